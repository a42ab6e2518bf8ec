package bnlab.train;

/**
 * Called by the {@link Trainer} while it trains. In a notebook, pass a lambda that redraws the
 * figure in place (IJava's {@code updateDisplay}; the library cannot call the kernel itself):
 * <pre>{@code
 * String id = display(TrainingChart.empty(net.name(), epochs));
 * History h = trainer.fit(net, data, epochs, p -> updateDisplay(id, p.figure()));
 * }</pre>
 * In a terminal, pass {@link #terminal()}, a progress bar.
 */
@FunctionalInterface
public interface ProgressListener {

    /** Receives the current state of the run. Rendering here is not counted as training time. */
    void update(Progress progress);

    /**
     * How often to be called while an epoch trains, besides once at its end. The default 5 is
     * what d2l's {@code Animator} draws: redrawing a chart costs tens of milliseconds, a few
     * times per epoch is enough.
     */
    default int updatesPerEpoch() {
        return 5;
    }

    /** Listens to nothing. */
    static ProgressListener none() {
        return p -> {};
    }

    /** A progress bar on the terminal (standard error), advanced after every batch. */
    static ProgressListener terminal() {
        return new TerminalProgress();
    }
}
