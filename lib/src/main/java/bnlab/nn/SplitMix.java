package bnlab.nn;

/**
 * The random numbers of a layer that draws them while it trains (dropout's masks, the shifting
 * noise): SplitMix64, the generator of {@link java.util.SplittableRandom}, written out so that
 * its whole state is one field of ours. Each draw adds the constant γ = 0x9e3779b97f4a7c15 to the
 * state s and mixes the sum z = s + γ:
 * z ← (z ⊕ z≫30)·0xbf58476d1ce4e5b9, z ← (z ⊕ z≫27)·0x94d049bb133111eb, z ← z ⊕ z≫31;
 * a double in [0, 1) is the top 53 bits of z times 2⁻⁵³. From the same seed it gives exactly the
 * numbers {@code new SplittableRandom(seed)} gives. Why not use that class: its state is private
 * to the JDK, so the run cache could neither fingerprint nor save a trained dropout network
 * without the JVM flag {@code --add-opens java.base/java.util=ALL-UNNAMED}; this one it reads
 * like any number a layer holds.
 */
final class SplitMix {

    private static final long GAMMA = 0x9e3779b97f4a7c15L;

    private long state;

    SplitMix(long seed) {
        this.state = seed;
    }

    long nextLong() {
        state += GAMMA;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }
}
