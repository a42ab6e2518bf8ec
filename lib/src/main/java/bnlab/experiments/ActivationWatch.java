package bnlab.experiments;

import bnlab.nn.Sequential;
import bnlab.nn.Sigmoid;
import bnlab.viz.Charts;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Watches the inputs of a network's sigmoids while it trains, the measurement behind Ioffe &amp;
 * Szegedy's Fig. 1: at every training step, for each sigmoid, the 15th, 50th and 85th
 * percentiles of one unit's input over the batch, and the share of all its inputs that are
 * saturated, |x| &gt; ln 19 ≈ 2.94 (where σ(x) is below 0.05 or above 0.95 and its slope below a
 * fifth of its maximum). Inference-mode forward passes (test evaluations) are not recorded.
 *
 * <p>A forward pass in training mode that is not a training step (a {@link LossLandscape} probe,
 * Precise BN, batch-statistics evaluations) would look like one: run it inside
 * {@link #notRecording}, as {@link Experiment} does with its per-epoch measurements, so that
 * record k is training step k. {@link #stop()} ends the watch.
 */
public final class ActivationWatch {

    /** |x| beyond this: σ(x) &lt; 0.05 or &gt; 0.95. */
    public static final double SATURATED = Math.log(19);

    /**
     * What one step recorded for one sigmoid: the percentiles of the watched unit's inputs, and
     * over all its inputs the saturated share and the root mean square √(mean x²), the scale
     * that decides how many inputs reach |x| &gt; 2.94.
     */
    public record Step(double p15, double p50, double p85, double saturated, double rms) {}

    private final List<String> names = new ArrayList<>();
    private final List<List<Step>> steps = new ArrayList<>();
    private Sequential net;
    private final List<Integer> watched = new ArrayList<>();
    private boolean recording = true;

    private ActivationWatch() {}

    /**
     * Starts watching the input of every {@link Sigmoid} of {@code net} (the output of the
     * layer before it); {@code unit} is the unit (feature or channel) whose percentiles are kept.
     */
    public static ActivationWatch sigmoidInputs(Sequential net, int unit) {
        ActivationWatch w = new ActivationWatch();
        w.net = net;
        for (int i = 1; i < net.size(); i++) {
            if (net.get(i) instanceof Sigmoid) {
                int index = w.names.size();
                w.names.add("sigmoid " + (index + 1) + " (after layer " + (i - 1) + ")");
                w.steps.add(new ArrayList<>());
                w.watched.add(i - 1);
                net.observe(i - 1, x -> {
                    if (w.recording && net.isTraining()) {
                        w.steps.get(index).add(measure(x, unit));
                    }
                });
            }
        }
        if (w.names.isEmpty()) {
            throw new IllegalArgumentException("the network has no Sigmoid layer to watch");
        }
        return w;
    }

    /**
     * Runs {@code body} (e.g. a landscape probe between training steps) without recording its
     * forward passes, which are not training steps; returns what it returns.
     */
    public <T> T notRecording(java.util.function.Supplier<T> body) {
        boolean was = recording;
        recording = false;
        try {
            return body.get();
        } finally {
            recording = was;
        }
    }

    /** Stops watching: no more records, and the network no longer copies the watched outputs. */
    public void stop() {
        recording = false;
        for (int layer : watched) {
            net.observe(layer, null);
        }
    }

    /** How many training steps were recorded. */
    public int recordedSteps() {
        return steps.get(0).size();
    }

    private static Step measure(INDArray x, int unit) {
        long n = x.size(0);
        long perExample = x.length() / n;
        long plane = x.rank() == 4 ? x.size(2) * x.size(3) : 1;
        int channels = (int) (perExample / plane);
        int c = Math.min(unit, channels - 1);
        float[] all =
                (x.ordering() == 'c' && !x.isView() ? x : x.dup('c')).data().asFloat();
        float[] mine = new float[(int) (n * plane)];
        int k = 0;
        long saturated = 0;
        double squares = 0;
        for (int e = 0; e < n; e++) {
            int start = (int) (e * perExample);
            for (int j = 0; j < perExample; j++) {
                float v = all[start + j];
                squares += (double) v * v;
                if (Math.abs(v) > SATURATED) {
                    saturated++;
                }
            }
            System.arraycopy(all, (int) (start + c * plane), mine, k, (int) plane);
            k += (int) plane;
        }
        return new Step(
                percentile(mine, 0.15),
                percentile(mine, 0.50),
                percentile(mine, 0.85),
                (double) saturated / all.length,
                Math.sqrt(squares / all.length));
    }

    /**
     * The p-quantile of {@code a} with linear interpolation between order statistics (as NumPy's
     * default), found by selection in O(n) instead of a sort: the first sigmoid's watched channel
     * has 147 456 values per step. Reorders {@code a}.
     */
    static double percentile(float[] a, double p) {
        double at = p * (a.length - 1);
        int lo = (int) Math.floor(at);
        float low = select(a, lo);
        if (lo + 1 >= a.length || at == lo) {
            return low;
        }
        float high = a[lo + 1];
        for (int i = lo + 2; i < a.length; i++) {
            high = Math.min(high, a[i]);
        }
        return low + (at - lo) * (high - low);
    }

    /**
     * Puts the k-th smallest value of {@code a} at a[k], smaller ones before it, larger after;
     * returns it. Three-way partitions, so that the many equal values of a convolution's output
     * over a blank background do not make it quadratic.
     */
    static float select(float[] a, int k) {
        int left = 0;
        int right = a.length - 1;
        while (right > left) {
            float pivot = median(a[left], a[(left + right) >>> 1], a[right]);
            int lt = left; // a[left, lt) < pivot
            int i = left; // a[lt, i) == pivot
            int gt = right; // a(gt, right] > pivot
            while (i <= gt) {
                if (a[i] < pivot) {
                    swap(a, lt++, i++);
                } else if (a[i] > pivot) {
                    swap(a, i, gt--);
                } else {
                    i++;
                }
            }
            if (k < lt) {
                right = lt - 1;
            } else if (k > gt) {
                left = gt + 1;
            } else {
                return pivot;
            }
        }
        return a[k];
    }

    private static float median(float x, float y, float z) {
        return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    }

    private static void swap(float[] a, int i, int j) {
        float t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** Keeps what was recorded with a run the run cache stores ({@link #from} reads it back). */
    void keepIn(bnlab.train.RunRecord record) {
        record.extra("watch: sigmoids", names);
        for (int i = 0; i < names.size(); i++) {
            List<Step> s = steps.get(i);
            double[] v = new double[FIELDS * s.size()];
            for (int k = 0; k < s.size(); k++) {
                Step st = s.get(k);
                v[FIELDS * k] = st.p15();
                v[FIELDS * k + 1] = st.p50();
                v[FIELDS * k + 2] = st.p85();
                v[FIELDS * k + 3] = st.saturated();
                v[FIELDS * k + 4] = st.rms();
            }
            record.extra(stepsKey(i), v);
        }
    }

    /** Numbers kept per step; the key names them, so that a record of an older layout is not misread. */
    private static final int FIELDS = 5;

    private static String stepsKey(int sigmoid) {
        return "watch: p15 p50 p85 saturated rms of sigmoid " + sigmoid;
    }

    /** The watch a stored run recorded, or null if it has none (or an older layout). */
    static ActivationWatch from(bnlab.train.RunRecord record) {
        List<String> names = record.texts("watch: sigmoids");
        if (names == null) {
            return null;
        }
        ActivationWatch w = new ActivationWatch();
        for (int i = 0; i < names.size(); i++) {
            double[] v = record.numbers(stepsKey(i));
            if (v == null) {
                return null;
            }
            List<Step> s = new ArrayList<>();
            for (int k = 0; k + FIELDS - 1 < v.length; k += FIELDS) {
                s.add(new Step(v[k], v[k + 1], v[k + 2], v[k + 3], v[k + 4]));
            }
            w.names.add(names.get(i));
            w.steps.add(s);
        }
        return w;
    }

    public List<String> sigmoids() {
        return List.copyOf(names);
    }

    /** What sigmoid {@code i} (0-based) recorded, one entry per training step. */
    public List<Step> steps(int i) {
        return List.copyOf(steps.get(i));
    }

    /** The mean share of saturated inputs of sigmoid {@code i} over steps [from, to). */
    public double saturation(int i, int from, int to) {
        List<Step> s = steps.get(i);
        return s.subList(Math.min(from, s.size()), Math.min(to, s.size())).stream()
                .mapToDouble(Step::saturated)
                .average()
                .orElse(Double.NaN);
    }

    /** The mean root mean square of sigmoid {@code i}'s inputs over steps [from, to). */
    public double rms(int i, int from, int to) {
        List<Step> s = steps.get(i);
        return s.subList(Math.min(from, s.size()), Math.min(to, s.size())).stream()
                .mapToDouble(Step::rms)
                .average()
                .orElse(Double.NaN);
    }

    /**
     * How much sigmoid {@code i}'s input distribution drifts over training steps [from, to):
     * the steps are cut into windows of {@code window} steps, the median and the 15–85
     * percentile spread are averaged within each window (which removes most of the noise of
     * sampling a new batch at every step), and the result is the mean change from one window to
     * the next, |Δ median| + |Δ spread|: a simple measure of the "internal covariate shift" the
     * layer after it sees.
     */
    public double drift(int i, int from, int to, int window) {
        List<Step> s = steps.get(i)
                .subList(
                        Math.min(from, steps.get(i).size()),
                        Math.min(to, steps.get(i).size()));
        int windows = s.size() / Math.max(1, window);
        double sum = 0;
        double[] prev = null;
        for (int w = 0; w < windows; w++) {
            double median = 0;
            double spread = 0;
            for (Step st : s.subList(w * window, (w + 1) * window)) {
                median += st.p50() / window;
                spread += (st.p85() - st.p15()) / window;
            }
            if (prev != null) {
                sum += Math.abs(median - prev[0]) + Math.abs(spread - prev[1]);
            }
            prev = new double[] {median, spread};
        }
        return windows < 2 ? Double.NaN : sum / (windows - 1);
    }

    /** The 15th, 50th and 85th percentiles of sigmoid {@code i}'s watched unit against the training step. */
    public XYChart percentiles(int i, String title) {
        List<Step> s = steps.get(i);
        double[] x = java.util.stream.IntStream.rangeClosed(1, s.size())
                .asDoubleStream()
                .toArray();
        XYChart chart = Charts.lines(title, "training step", "input of the sigmoid");
        chart.addSeries("85th percentile", x, s.stream().mapToDouble(Step::p85).toArray())
                .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        chart.addSeries("median", x, s.stream().mapToDouble(Step::p50).toArray())
                .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        chart.addSeries("15th percentile", x, s.stream().mapToDouble(Step::p15).toArray())
                .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        return chart;
    }

    /** The share of saturated inputs of every sigmoid against the training step. */
    public XYChart saturation(String title) {
        XYChart chart = Charts.lines(title, "training step", "share of inputs with |x| > 2.94");
        for (int i = 0; i < names.size(); i++) {
            List<Step> s = steps.get(i);
            double[] x = java.util.stream.IntStream.rangeClosed(1, s.size())
                    .asDoubleStream()
                    .toArray();
            chart.addSeries(
                            names.get(i),
                            x,
                            s.stream().mapToDouble(Step::saturated).toArray())
                    .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        }
        return chart;
    }
}
