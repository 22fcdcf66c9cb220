import TimbangCore
import Growth

/// Synthetic district dumps with ground truth.
public enum Synth {
    // TODO(synth)
}
