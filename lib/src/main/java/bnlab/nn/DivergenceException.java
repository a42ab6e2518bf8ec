package bnlab.nn;

/**
 * A normalization layer met statistics that are not finite numbers (a NaN or an infinite mean or
 * variance): the values reaching it already held NaN or infinity, which almost always means that
 * training diverged, often because the learning rate is too large. Thrown by every normalization
 * layer in both engines, named by the {@link Sequential} that holds it; an experiment records
 * such a run as diverged instead of stopping (catch this type, never match the message).
 *
 * <p>It is an {@link IllegalArgumentException}: the input of the layer is unusable.
 */
public class DivergenceException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public DivergenceException(String message) {
        super(message);
    }

    public DivergenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
