package bnlab.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Array;

/** Java's primitive arrays written and read bit for bit: a tag for the type, the length, the values. */
final class PrimitiveArrays {

    private static final String TYPES = "ZBCSIJFD";
    private static final Class<?>[] CLASSES = {
        boolean.class, byte.class, char.class, short.class, int.class, long.class, float.class, double.class
    };

    private PrimitiveArrays() {}

    static void write(DataOutputStream out, Object array) throws IOException {
        Class<?> type = array.getClass().getComponentType();
        int tag = java.util.Arrays.asList(CLASSES).indexOf(type);
        if (tag < 0) {
            throw new IllegalArgumentException("not a primitive array: " + array.getClass());
        }
        int n = Array.getLength(array);
        out.writeByte(TYPES.charAt(tag));
        out.writeInt(n);
        switch (TYPES.charAt(tag)) {
            case 'Z' -> {
                for (boolean v : (boolean[]) array) out.writeBoolean(v);
            }
            case 'B' -> out.write((byte[]) array);
            case 'C' -> {
                for (char v : (char[]) array) out.writeChar(v);
            }
            case 'S' -> {
                for (short v : (short[]) array) out.writeShort(v);
            }
            case 'I' -> {
                for (int v : (int[]) array) out.writeInt(v);
            }
            case 'J' -> {
                for (long v : (long[]) array) out.writeLong(v);
            }
            case 'F' -> {
                for (float v : (float[]) array) out.writeInt(Float.floatToRawIntBits(v));
            }
            default -> {
                for (double v : (double[]) array) out.writeLong(Double.doubleToRawLongBits(v));
            }
        }
    }

    static Object read(DataInputStream in) throws IOException {
        char tag = (char) in.readByte();
        int n = in.readInt();
        int k = TYPES.indexOf(tag);
        if (k < 0 || n < 0) {
            throw new IOException("not a saved primitive array (tag " + tag + ", length " + n + ")");
        }
        Object array = Array.newInstance(CLASSES[k], n);
        switch (tag) {
            case 'Z' -> {
                boolean[] a = (boolean[]) array;
                for (int i = 0; i < n; i++) a[i] = in.readBoolean();
            }
            case 'B' -> in.readFully((byte[]) array);
            case 'C' -> {
                char[] a = (char[]) array;
                for (int i = 0; i < n; i++) a[i] = in.readChar();
            }
            case 'S' -> {
                short[] a = (short[]) array;
                for (int i = 0; i < n; i++) a[i] = in.readShort();
            }
            case 'I' -> {
                int[] a = (int[]) array;
                for (int i = 0; i < n; i++) a[i] = in.readInt();
            }
            case 'J' -> {
                long[] a = (long[]) array;
                for (int i = 0; i < n; i++) a[i] = in.readLong();
            }
            case 'F' -> {
                float[] a = (float[]) array;
                for (int i = 0; i < n; i++) a[i] = Float.intBitsToFloat(in.readInt());
            }
            default -> {
                double[] a = (double[]) array;
                for (int i = 0; i < n; i++) a[i] = Double.longBitsToDouble(in.readLong());
            }
        }
        return array;
    }
}
