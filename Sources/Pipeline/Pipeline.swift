import TimbangCore

/// Pipeline configuration and the stage runner.
public enum PipelineRunner {
    // TODO(pipeline)
}
