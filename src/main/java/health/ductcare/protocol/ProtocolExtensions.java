package health.ductcare.protocol;

/** URLs of the PlanDefinition extensions that carry the protocol's rule values. */
public final class ProtocolExtensions {

    public static final String BASE = "https://ductcare.health/fhir/StructureDefinition/";
    public static final String START_WITHIN = BASE + "pt-start-within";
    public static final String ANTIBIOTIC_LEAD_TIME = BASE + "pt-antibiotic-lead-time";
    public static final String FEVER_THRESHOLD = BASE + "pt-fever-threshold";
    public static final String FEVER_LOOK_BACK = BASE + "pt-fever-look-back";
    public static final String CLINIC_HOURS = BASE + "pt-clinic-hours";
    public static final String FOLLOW_UP = BASE + "pt-follow-up";
    public static final String CORROBORATING_KEYWORD = BASE + "pt-corroborating-keyword";
    public static final String ANTIBIOTIC_KEYWORD = BASE + "pt-antibiotic-keyword";
    public static final String VALUE_SET = BASE + "pt-value-set";

    private ProtocolExtensions() {
    }
}
