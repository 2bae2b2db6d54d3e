package health.ductcare.engine;

/** A human-readable statement about the decision, e.g. a warning for the clinician. */
public record PlanNote(Severity severity, NoteCode code, String text) {

    public enum Severity { INFO, WARNING }

    public static PlanNote info(NoteCode code, String text) {
        return new PlanNote(Severity.INFO, code, text);
    }

    public static PlanNote warning(NoteCode code, String text) {
        return new PlanNote(Severity.WARNING, code, text);
    }
}
