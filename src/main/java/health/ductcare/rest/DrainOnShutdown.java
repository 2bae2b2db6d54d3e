package health.ductcare.rest;

import ca.uhn.fhir.context.FhirContext;
import health.ductcare.fhir.FhirFormat;
import health.ductcare.fhir.OperationOutcomes;
import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * From SIGTERM on, new requests get 503 (with an OperationOutcome, Retry-After and Connection: close) while the
 * requests already in flight finish: Quarkus' graceful shutdown ({@code quarkus.shutdown.timeout}) waits for them
 * but would still serve requests arriving on open connections meanwhile (scripts/graceful-shutdown.sh).
 */
@Singleton
public class DrainOnShutdown {

    private static final int PRIORITY = 950;

    private volatile boolean draining;

    void register(@Observes Filters filters, FhirContext context) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> draining = true, "ductcare-drain"));
        String outcome = context.newJsonParser().encodeResourceToString(OperationOutcomes.error(
                OperationOutcome.IssueType.TRANSIENT, "The service is shutting down; retry shortly"));
        filters.register(routingContext -> {
            if (draining) {
                routingContext.response().setStatusCode(503)
                        .putHeader("Content-Type", FhirFormat.JSON.fhirMediaType())
                        .putHeader("Retry-After", "5")
                        .putHeader("Connection", "close")
                        .end(outcome);
                return;
            }
            routingContext.next();
        }, PRIORITY);
    }
}
