package health.ductcare.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one FhirContext of the service: expensive to build, thread-safe once built. */
public class FhirContextProducer {

    @Produces
    @Singleton
    public FhirContext fhirContext() {
        FhirContext context = FhirContext.forR4();
        // Unknown elements are reported by the validator with their path; the parser must neither fail
        // nor log the values it skips (they may be patient data).
        context.setParserErrorHandler(new LenientErrorHandler(false).disableAllErrors());
        // HAPI drops the version of every reference it encodes; an AuditEvent names the very version it read or
        // wrote (R4: "the reference should be version specific").
        context.getParserOptions().setDontStripVersionsFromReferencesAtPaths("AuditEvent.entity.what");
        return context;
    }

    public static IParser parserFor(FhirContext context, FhirFormat format) {
        return format == FhirFormat.XML ? context.newXmlParser() : context.newJsonParser();
    }
}
