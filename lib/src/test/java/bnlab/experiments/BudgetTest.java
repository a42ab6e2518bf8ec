package bnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The budget line a run prints, in both editions. */
class BudgetTest {

    private final Budget small = new Budget(1, 12_288, 4_000, 2, 6_144, 3.0);
    private final Budget large = new Budget(1, 12_288, 4_000, 256, 48, 1.0);
    private final Budget four = new Budget(4, 12_800, 2_500, 256, 50, 1.0);
    private final Budget eight = new Budget(8, 12_288, 4_000, 256, 48, 1.0);

    @Test
    void englishSaysWhatTrainedWhatLoadedAndTheSteps() {
        assertEquals(
                "learning-rates: trained 30 runs, loaded 0 from the run cache; each run 4 epochs × 50 steps = 200 "
                        + "steps of batch 256 on 12,800 training images (tested on 2,500); saved to x.csv",
                Budget.line("learning-rates", 30, 0, four.each(), "x.csv"));
        assertEquals(
                "1 epoch of 12,288 training images, 6,144 steps of batch 2 … 48 steps of batch 256 (tested on 4,000)",
                Budget.eachAcross(small, large));
        assertEquals(
                "1 epoch of 12,288 training images, 6,144 steps of batch 2 … 8 epochs, 384 steps of batch 256 "
                        + "(tested on 4,000)",
                Budget.eachAcross(small, eight),
                "more passes at the large batch sizes");
        assertEquals(
                "each run: 4 epochs × 50 steps = 200 steps of batch 256 on 12,800 training images (tested on "
                        + "2,500); 1 arm × 5 seeds = 5 runs: trained 0, loaded 5 from the run cache, in 1 s",
                Budget.summary(four.each(), 1, 5, 5, 0, 5, 1.2));
    }

    @Test
    void chineseSaysTheSame() {
        String before = System.getProperty("bnlab.lang");
        System.setProperty("bnlab.lang", "zh");
        try {
            assertEquals(
                    "learning-rates：训练了 0 次运行，从运行缓存载入 30 次；每次运行 4 个迭代周期 × 50 步 = 200 步，批量大小 256，"
                            + "12,800 张训练图像（在 2,500 张图像上测试）；结果保存在 x.csv",
                    Budget.line("learning-rates", 0, 30, four.each(), "x.csv"));
            assertEquals(
                    "1 个迭代周期，12,288 张训练图像，批量大小 2 时 6,144 步 … 批量大小 256 时 48 步（在 4,000 张图像上测试）",
                    Budget.eachAcross(small, large));
            assertEquals(
                    "1 个迭代周期，12,288 张训练图像，批量大小 2 时 6,144 步 … 8 个迭代周期，批量大小 256 时 384 步（在 4,000 张图像上测试）",
                    Budget.eachAcross(small, eight));
            assertEquals(
                    "每次运行：4 个迭代周期 × 50 步 = 200 步，批量大小 256，12,800 张训练图像（在 2,500 张图像上测试）；"
                            + "1 个实验组 × 5 个种子 = 5 次运行：训练了 0 次，从运行缓存载入 5 次，用时 1 秒",
                    Budget.summary(four.each(), 1, 5, 5, 0, 5, 1.2));
        } finally {
            if (before == null) {
                System.clearProperty("bnlab.lang");
            } else {
                System.setProperty("bnlab.lang", before);
            }
        }
    }
}
