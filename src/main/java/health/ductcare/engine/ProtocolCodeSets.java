package health.ductcare.engine;

import java.util.List;

/**
 * The code sets and keywords the rules match against. Keywords are compared case-insensitively
 * with free text.
 */
public record ProtocolCodeSets(
        CodeSet trigger,
        CodeSet exclusion,
        CodeSet abscess,
        CodeSet ambiguous,
        List<String> corroboratingKeywords,
        CodeSet infection,
        CodeSet antibiotic,
        List<String> antibioticKeywords,
        CodeSet feverObservation,
        CodeSet nonSystemicRoute) {

    public ProtocolCodeSets {
        corroboratingKeywords = List.copyOf(corroboratingKeywords);
        antibioticKeywords = List.copyOf(antibioticKeywords);
    }
}
