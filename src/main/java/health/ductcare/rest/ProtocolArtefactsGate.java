package health.ductcare.rest;

import ca.uhn.fhir.context.FhirContext;
import health.ductcare.fhir.FhirFormat;
import health.ductcare.fhir.OperationOutcomes;
import health.ductcare.protocol.ProtocolPublisher;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Holds FHIR requests, except {@code /fhir/metadata}, while the protocol artefacts are still being published at
 * start-up (a second or two), so no client sees a server without its PlanDefinitions. The request is paused, not
 * blocked: no thread waits. Should publishing fail, held requests get 503 while the service stops.
 */
@Singleton
public class ProtocolArtefactsGate {

    private static final int PRIORITY = 940;
    private static final String FHIR_BASE = "/fhir";

    void register(@Observes Filters filters, ProtocolPublisher publisher, FhirContext context) {
        String unavailable = context.newJsonParser().encodeResourceToString(OperationOutcomes.error(
                OperationOutcome.IssueType.TRANSIENT, "The service is starting; retry shortly"));
        filters.register(holdUntilPublished(publisher::isPublished, publisher::publication, unavailable), PRIORITY);
    }

    /** The filter itself, apart from CDI, so it can be tried on a plain Vert.x router. */
    static Handler<RoutingContext> holdUntilPublished(BooleanSupplier published,
            Supplier<? extends CompletionStage<?>> publication, String unavailableOutcome) {
        return routingContext -> {
            if (published.getAsBoolean() || !isHeld(routingContext.request().path())) {
                routingContext.next();
                return;
            }
            HttpServerRequest request = routingContext.request();
            Context requestContext = Vertx.currentContext();
            request.pause();
            publication.get().whenComplete((done, failure) -> requestContext.runOnContext(ignored -> {
                if (failure != null) {
                    routingContext.response().setStatusCode(503)
                            .putHeader("Content-Type", FhirFormat.JSON.fhirMediaType())
                            .putHeader("Retry-After", "5")
                            .end(unavailableOutcome);
                    return;
                }
                request.resume();
                routingContext.next();
            }));
        };
    }

    static boolean isHeld(String path) {
        if (path == null || !(path.equals(FHIR_BASE) || path.startsWith(FHIR_BASE + "/"))) {
            return false;
        }
        return !path.equals(FHIR_BASE + "/metadata");
    }
}
