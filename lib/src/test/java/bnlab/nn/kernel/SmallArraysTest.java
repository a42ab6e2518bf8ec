package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Reads and writes of small arrays through their buffers, for float, double, views and non-contiguous arrays. */
class SmallArraysTest {

    @Test
    void readsAndWritesFloatDoubleAndViews() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = Nd4j.create(new double[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'c')
                    .castTo(type);
            assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, SmallArrays.read(a), 0.0, type.name());
            SmallArrays.write(a, new double[] {6, 5, 4, 3, 2, 1});
            assertEquals(6, a.getDouble(0, 0), 0.0);
            INDArray row = a.getRow(1); // a view with an offset
            assertArrayEquals(new double[] {3, 2, 1}, SmallArrays.read(row), 0.0, "row view");
            SmallArrays.write(row, new double[] {7, 8, 9});
            assertEquals(9, a.getDouble(1, 2), 0.0, "written through the view");
            INDArray column = a.get(NDArrayIndex.all(), NDArrayIndex.point(1)); // not contiguous
            assertArrayEquals(new double[] {5, 8}, SmallArrays.read(column), 0.0, "column");
            SmallArrays.write(column, new double[] {-1, -2});
            assertEquals(-2, a.getDouble(1, 1), 0.0, "written through the column");
            float[] f = SmallArrays.readFloats(a, null);
            assertArrayEquals(new float[] {6, -1, 4, 7, -2, 9}, f, 0f);
            SmallArrays.writeFloats(new float[] {0, 0, 0, 0, 0, 1}, a);
            assertEquals(1, a.getDouble(1, 2), 0.0);
            assertEquals(type, SmallArrays.create(a, new double[6]).dataType());
        }
    }
}
