package dev.papa.engine.papa;

/** How a user's model differs from the shared base. */
public enum AdapterKind {
    /** Low-rank updates on every conv and linear layer: small, one per user. */
    LORA,
    /** All weights fine-tuned: the reference's setting, for single-user experiments. */
    FULL
}
