package bnlab.bench;

import bnlab.data.Batch;
import bnlab.data.FashionMnist;
import bnlab.train.Trainer;
import java.util.ArrayList;
import java.util.List;

/** The real batches the speed benches train on. */
final class BenchData {

    private BenchData() {}

    /**
     * The first {@code max} full batches of 256 of the Trainer's first epoch (all 60 000 training
     * images shuffled with seed 42), in order: the batches scripts/bench_torch.py feeds PyTorch.
     */
    static List<Batch> firstEpochBatches(int max) {
        FashionMnist data = FashionMnist.load(60_000, Trainer.BATCH_SIZE);
        List<Batch> batches = new ArrayList<>();
        for (Batch b : data.train().batches(Trainer.BATCH_SIZE, Trainer.SEED)) {
            if (batches.size() == max) break;
            if (b.size() == Trainer.BATCH_SIZE) batches.add(b);
        }
        return batches;
    }

    /** A checksum of the labels of {@code batch}, so two processes can prove they see the same batches. */
    static long labelChecksum(Batch batch) {
        long sum = 0;
        int[] y = batch.y();
        for (int i = 0; i < y.length; i++) sum += (long) (i + 1) * y[i];
        return sum;
    }
}
