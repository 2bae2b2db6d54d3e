package health.ductcare.engine;

/** A coding reduced to what the rules look at: system and code. */
public record Code(String system, String code) {

    public static Code of(String system, String code) {
        return new Code(system, code);
    }
}
