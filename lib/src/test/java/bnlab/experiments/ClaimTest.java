package bnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Profile;
import org.junit.jupiter.api.Test;

class ClaimTest {

    @Test
    void aClaimThatHoldsIsPrintedWithItsEvidenceAndOneThatDoesNotStopsTheNotebook() {
        assertEquals("✔ two beats one (2 vs 1)", Claim.check("two beats one", 2 > 1, "2 vs 1"));
        String msg = assertThrows(IllegalStateException.class, () -> Claim.check("one beats two", 1 > 2, "1 vs 2"))
                .getMessage();
        assertTrue(msg.contains("claims that one beats two") && msg.contains("measured 1 vs 2"), msg);
        assertTrue(Claim.checkUnlessQuick(Profile.quick(), "one beats two", false, "1 vs 2")
                .startsWith("…"));
        assertThrows(IllegalStateException.class, () -> Claim.checkUnlessQuick(Profile.full(), "x", false, "y"));
    }

    @Test
    void inTheChineseEditionTheClaimIsPrintedInChineseAndAnUntranslatedOneIsAnError() {
        System.setProperty("bnlab.lang", "zh");
        System.setProperty("bnlab.strict.labels", "true");
        try {
            assertEquals(
                    "✔ 只用 2 个样本的统计量会损失很多准确率（test acc 0.50 vs 0.77）",
                    Claim.check("statistics of 2 examples cost a lot of accuracy", true, "test acc 0.50 vs 0.77"));
            assertTrue(Claim.checkUnlessQuick(
                            Profile.quick(), "statistics of 2 examples cost a lot of accuracy", false, "x")
                    .contains("快速配置下不检验"));
            String msg = assertThrows(
                            IllegalStateException.class, () -> Claim.check("a claim nobody translated", true, "1 vs 0"))
                    .getMessage();
            assertTrue(msg.contains("a claim nobody translated") && msg.contains("labels-zh.tsv"), msg);
        } finally {
            System.clearProperty("bnlab.lang");
            System.clearProperty("bnlab.strict.labels");
        }
    }
}
