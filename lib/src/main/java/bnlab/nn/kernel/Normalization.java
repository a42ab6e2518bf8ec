package bnlab.nn.kernel;

/**
 * Which batch statistics a batch norm uses: x̂ = (x − μ)/√(σ² + ε) (FULL, the paper's), x − μ
 * (MEAN_ONLY: centred, not rescaled) or x/√(σ² + ε) (VARIANCE_ONLY: rescaled, not centred).
 * The two "lite" forms are the chapter's exercise; the backward pass of each follows from the
 * same derivation with the missing term left out.
 */
public enum Normalization {
    FULL(true, true), MEAN_ONLY(true, false), VARIANCE_ONLY(false, true);

    private final boolean center;
    private final boolean scale;

    Normalization(boolean center, boolean scale) {
        this.center = center;
        this.scale = scale;
    }

    /** Whether the mean is subtracted. */
    public boolean center() {
        return center;
    }

    /** Whether the result is divided by √(σ² + ε). */
    public boolean scale() {
        return scale;
    }

    /**
     * Per channel, dX = scale·dY + shift + slope·x̂ for the x̂ this normalization produced, with
     * s = 1/√(σ² + ε) (1 when not scaling), m values per channel, μ the batch mean:
     * scale = γ·s; in training mode slope = −γ·s·dγ/m when scaling, and shift = −γ·s·dβ/m when
     * centring, or +γ·s·(dγ/m)·μ·s when only scaling (x̂ = x·s is then not centred, so the term
     * through σ² pulls towards the mean). In inference mode the statistics are constants and
     * shift = slope = 0.
     */
    public double[][] inputGradientCoefficients(double[] gamma, double[] invStd, double[] dGamma,
                                                double[] dBeta, double m, boolean training, double[] mean) {
        int channels = gamma.length;
        double[] a = new double[channels];
        double[] shift = new double[channels];
        double[] slope = new double[channels];
        for (int c = 0; c < channels; c++) {
            a[c] = gamma[c] * invStd[c];
            if (!training) {
                continue;
            }
            if (scale) {
                slope[c] = -a[c] * dGamma[c] / m;
            }
            shift[c] = center ? -a[c] * dBeta[c] / m : a[c] * dGamma[c] / m * mean[c] * invStd[c];
        }
        return new double[][] {a, shift, slope};
    }
}
