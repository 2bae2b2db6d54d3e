package health.ductcare.security;

import ca.uhn.fhir.context.FhirContext;
import health.ductcare.fhir.OperationOutcomes;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Answers a body announced larger than {@code quarkus.http.limits.max-body-size} with 413 and an
 * OperationOutcome before a byte of it is read (Vert.x alone would answer an empty 413). Bodies sent without a
 * length are cut off by Vert.x at the same limit.
 */
@Singleton
public class BodySizeLimit {

    private final long maxBodySize;
    private final FhirContext context;

    public BodySizeLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
            FhirContext context) {
        this.maxBodySize = maxBodySize.asLongValue();
        this.context = context;
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, 900);
    }

    private void check(RoutingContext routingContext) {
        String length = routingContext.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLarge(length)) {
            respond(routingContext);
            return;
        }
        routingContext.next();
    }

    private boolean tooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > maxBodySize;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void respond(RoutingContext routingContext) {
        OperationOutcome outcome = OperationOutcomes.error(OperationOutcome.IssueType.TOOCOSTLY,
                "The request body is larger than this server accepts (" + maxBodySize + " bytes)");
        String accept = routingContext.request().getHeader(HttpHeaders.ACCEPT);
        boolean xml = accept != null && accept.contains("xml") && !accept.contains("json");
        String body = xml ? context.newXmlParser().encodeResourceToString(outcome)
                : context.newJsonParser().encodeResourceToString(outcome);
        routingContext.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, xml ? "application/fhir+xml;charset=UTF-8"
                        : "application/fhir+json;charset=UTF-8")
                // The unread body would otherwise be taken as the next request on this connection.
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body);
    }
}
