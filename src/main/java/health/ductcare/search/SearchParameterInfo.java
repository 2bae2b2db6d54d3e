package health.ductcare.search;

import org.hl7.fhir.r4.model.Enumerations.SearchParamType;

/** One search parameter as the CapabilityStatement declares it. */
public record SearchParameterInfo(String name, SearchParamType type, String definition, String documentation) {
}
