package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** An (N, ...) array as N rows of doubles: reads, writes (float rounded once), offsets, refusals. */
class RowsTest {

    @Test
    void rowsOfFloatAndDoubleArraysIncludingOffsetViews() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            double[] v = new double[24];
            for (int i = 0; i < 24; i++) {
                v[i] = i + 1;
            }
            INDArray a = Nd4j.create(v, new long[] {4, 2, 3}, 'c').castTo(type);
            INDArray last = a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 4)); // rows 2 and 3, offset 12
            Rows rows = Rows.of(last);
            double[] row = new double[6];
            rows.read(1, row);
            assertArrayEquals(new double[] {19, 20, 21, 22, 23, 24}, row, 0.0, type.name());
            rows.write(0, new double[] {0.1, 0, 0, 0, 0, 0});
            assertEquals(type == DataType.FLOAT ? (float) 0.1 : 0.1, a.getDouble(2, 0, 0), 0.0, "rounded once");
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> Rows.of(Nd4j.rand(DataType.FLOAT, 3, 4).transpose()));
    }
}
