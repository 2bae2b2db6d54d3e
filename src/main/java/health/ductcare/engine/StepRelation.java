package health.ductcare.engine;

/** Where a session step sits relative to the in-session block. */
public enum StepRelation {
    BEFORE_START, IN_SESSION, AFTER_END
}
