package bnlab.train;

import bnlab.data.Batch;

/**
 * What the trainer trains: the scratch network and the DL4J network both implement this, so
 * both runs go through the same loop, the same data order and the same measurements.
 */
public interface Classifier {

    /**
     * One optimization step on {@code batch} in training mode (batch statistics, moving
     * statistics updated); returns the batch's summed loss and its correct predictions, both
     * from this step's own forward pass, as d2l's {@code train_ch6} counts them.
     */
    StepResult trainStep(Batch batch);

    /** Correct predictions on {@code batch} in inference mode (moving statistics). */
    int countCorrect(Batch batch);

    /** A short name for tables and result lines, e.g. "scratch BatchNorm". */
    String name();

    /** Summed loss and correct predictions of one step over {@code examples} examples. */
    record StepResult(double lossSum, int correct, int examples) {}
}
