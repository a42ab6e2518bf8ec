package bnlab.experiments;

import bnlab.Profile;
import bnlab.viz.Labels;

/**
 * A sentence the notebook's prose relies on, checked against the numbers just measured: when it
 * holds, {@link #check} returns it with its evidence for printing; when it does not, it throws,
 * the notebook stops with an error, and nobody reads a conclusion the data no longer supports.
 * <pre>{@code
 * Claim.check("batch norm trains at lr 1, the plain network does not",
 *         bn > plain + 0.3, String.format("test acc %.3f vs %.3f", bn, plain));
 * }</pre>
 * In the Chinese edition the claim is printed in Chinese: it is looked up like a figure's label
 * ({@link Labels}, {@code labels-zh.tsv}); the evidence, numbers and metric names as d2l prints
 * them, stays as written.
 */
public final class Claim {

    private Claim() {}

    /** The claim and its evidence, e.g. "✔ ... (test acc 0.84 vs 0.10)"; throws if it does not hold. */
    public static String check(String claim, boolean holds, String evidence) {
        if (!holds) {
            throw new IllegalStateException("The text of this notebook claims that " + claim
                    + ", but this run measured " + evidence + ". Rewrite the conclusion to match the data.");
        }
        Labels labels = Labels.current();
        if (labels.language().equals("zh")) {
            return "✔ " + labels.translate(claim) + "（" + evidence + "）";
        }
        return "✔ " + claim + " (" + evidence + ")";
    }

    /**
     * As {@link #check}, except in the quick profile, where the runs are too short for this
     * claim to be tested (it is printed as unchecked).
     */
    public static String checkUnlessQuick(Profile profile, String claim, boolean holds, String evidence) {
        if (profile.isQuick()) {
            Labels labels = Labels.current();
            if (labels.language().equals("zh")) {
                return "… " + labels.translate(claim) + "（快速配置下不检验：" + evidence + "）";
            }
            return "… " + claim + " (not checked in the quick profile: " + evidence + ")";
        }
        return check(claim, holds, evidence);
    }
}
