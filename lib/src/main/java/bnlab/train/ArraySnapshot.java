package bnlab.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The values of an ND4J array, copied out in row-major order with its type and shape: what the
 * run cache hashes and saves. Floating-point values are held as doubles (exact for float and
 * half), integers as longs, so writing one back ({@link #restoreInto}) gives the same bits.
 */
record ArraySnapshot(DataType type, long[] shape, double[] reals, long[] integers) {

    static ArraySnapshot of(INDArray a) {
        INDArray c = a.isView() || a.ordering() != 'c' || a.data().length() != a.length() ? a.dup('c') : a;
        long[] shape = a.shape().clone();
        if (a.dataType().isFPType()) {
            double[] v = a.length() == 0 ? new double[0] : c.data().asDouble();
            return new ArraySnapshot(a.dataType(), shape, Arrays.copyOf(v, (int) a.length()), null);
        }
        long[] v = a.length() == 0 ? new long[0] : c.data().asLong();
        return new ArraySnapshot(a.dataType(), shape, null, Arrays.copyOf(v, (int) a.length()));
    }

    /** Whether {@code a} has this snapshot's type and shape. */
    boolean fits(INDArray a) {
        return a.dataType() == type && Arrays.equals(a.shape(), shape);
    }

    /** Writes the values into {@code a} in place (same type and shape; see {@link #fits}). */
    void restoreInto(INDArray a) {
        if (!fits(a)) {
            throw new IllegalArgumentException("a saved " + type + Arrays.toString(shape) + " does not fit "
                    + a.dataType() + Arrays.toString(a.shape()));
        }
        if (a.length() == 0) {
            return;
        }
        INDArray values = reals != null
                ? Nd4j.create(reals, shape, 'c').castTo(type)
                : Nd4j.createFromArray(integers).reshape('c', shape).castTo(type);
        a.assign(values);
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeUTF(type.name());
        out.writeInt(shape.length);
        for (long d : shape) {
            out.writeLong(d);
        }
        out.writeBoolean(reals != null);
        if (reals != null) {
            PrimitiveArrays.write(out, reals);
        } else {
            PrimitiveArrays.write(out, integers);
        }
    }

    static ArraySnapshot readFrom(DataInputStream in) throws IOException {
        DataType type = DataType.valueOf(in.readUTF());
        long[] shape = new long[in.readInt()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = in.readLong();
        }
        boolean real = in.readBoolean();
        Object values = PrimitiveArrays.read(in);
        return real
                ? new ArraySnapshot(type, shape, (double[]) values, null)
                : new ArraySnapshot(type, shape, null, (long[]) values);
    }
}
