package health.ductcare.fhir;

import java.util.regex.Pattern;

/** FHIR's syntax for a logical id (datatypes.html#id): 1-64 letters, digits, '-' and '.'. */
public final class FhirIds {

    /** The id syntax as a regular expression, for JAX-RS path templates and larger patterns. */
    public static final String REGEX = "[A-Za-z0-9\\-.]{1,64}";

    private static final Pattern ID = Pattern.compile(REGEX);

    private FhirIds() {
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
