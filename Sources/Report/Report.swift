import TimbangCore

/// The report stage: one deterministic compressed archive per run, and the audit commands.
public enum Report {
    // TODO(report)
}
