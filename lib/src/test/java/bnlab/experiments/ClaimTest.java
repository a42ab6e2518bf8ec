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
        assertTrue(Claim.checkUnlessQuick(Profile.quick(), "one beats two", false, "1 vs 2").startsWith("…"));
        assertThrows(IllegalStateException.class, () -> Claim.checkUnlessQuick(Profile.full(), "x", false, "y"));
    }
}
