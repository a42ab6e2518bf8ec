package bnlab.nn;

/**
 * Heap arrays a layer reuses from one step to the next for its plain-Java loops: without them
 * every step would leave tens of megabytes of garbage, and the collector would grow the heap.
 * One slot per purpose; a slot is replaced only when a larger array is needed.
 */
final class Scratch {

    private final float[][] slots;

    Scratch(int count) {
        slots = new float[count][];
    }

    /** An array of at least {@code size} elements for {@code slot}; its contents are stale. */
    float[] get(int slot, int size) {
        if (slots[slot] == null || slots[slot].length < size) {
            slots[slot] = new float[size];
        }
        return slots[slot];
    }

    /** As {@link #get}, with the first {@code size} elements set to zero. */
    float[] zeroed(int slot, int size) {
        float[] a = get(slot, size);
        java.util.Arrays.fill(a, 0, size, 0f);
        return a;
    }
}
