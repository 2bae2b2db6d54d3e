package health.ductcare.engine;

/** Why the diagnosis is taken as infected; {@code reference} points at the source resource. */
public record Evidence(Kind kind, String reference, String text) {

    public enum Kind { INFECTION_CODE, FEVER, ANTIBIOTIC }
}
