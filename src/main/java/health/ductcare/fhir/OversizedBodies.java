package health.ductcare.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * A request whose declared Content-Length is over {@code quarkus.http.limits.max-body-size} gets a 413 with an
 * OperationOutcome. Vert.x would answer it with an empty 413 before any JAX-RS mapper sees it; this filter runs
 * just before that check (route order -900 against Quarkus' -2) and says the same thing in FHIR.
 */
@Singleton
public class OversizedBodies {

    private static final int PRIORITY = 900;

    private final long maxBodySize;
    private final String jsonOutcome;
    private final String xmlOutcome;

    public OversizedBodies(FhirContext context,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBodySize) {
        this.maxBodySize = maxBodySize.asLongValue();
        OperationOutcome outcome = OperationOutcomes.error(OperationOutcome.IssueType.TOOCOSTLY,
                "The request body is larger than this server accepts (" + this.maxBodySize + " bytes)");
        this.jsonOutcome = context.newJsonParser().encodeResourceToString(outcome);
        this.xmlOutcome = context.newXmlParser().encodeResourceToString(outcome);
    }

    void register(@Observes Filters filters) {
        filters.register(routingContext -> {
            String declared = routingContext.request().getHeader("Content-Length");
            if (declared != null && isOver(declared)) {
                String accept = routingContext.request().getHeader("Accept");
                boolean xml = accept != null && accept.contains("xml") && !accept.contains("json");
                routingContext.response()
                        .setStatusCode(413)
                        .putHeader("Content-Type", xml ? FhirFormat.XML.fhirMediaType() : FhirFormat.JSON.fhirMediaType())
                        .putHeader("Connection", "close")
                        .end(xml ? xmlOutcome : jsonOutcome);
                return;
            }
            routingContext.next();
        }, PRIORITY);
    }

    private boolean isOver(String declared) {
        try {
            return Long.parseLong(declared.trim()) > maxBodySize;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
