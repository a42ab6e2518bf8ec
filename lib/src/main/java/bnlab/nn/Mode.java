package bnlab.nn;

/**
 * Which statistics a batch norm uses. PyTorch decides this with {@code torch.is_grad_enabled()}
 * (d2l's {@code batch_norm}); we say it explicitly.
 */
public enum Mode {
    /** Normalize with the batch's own mean and variance, and update the moving statistics. */
    TRAINING,
    /** Normalize with the moving statistics; nothing is updated. */
    INFERENCE
}
