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
        scanModelInBackground(context);
        return context;
    }

    /**
     * HAPI scans a resource type's model classes the first time it is used; the CapabilityStatement uses all 146
     * of them, about a second of class loading and reflection. Scanning them now, while the rest of the
     * application starts on the main thread, makes the first {@code /fhir/metadata} answer that much sooner.
     */
    private static void scanModelInBackground(FhirContext context) {
        Thread scanner = new Thread(() -> context.getResourceTypes().forEach(context::getResourceDefinition),
                "fhir-model-scan");
        scanner.setDaemon(true);
        scanner.start();
    }

    public static IParser parserFor(FhirContext context, FhirFormat format) {
        return format == FhirFormat.XML ? context.newXmlParser() : context.newJsonParser();
    }
}
