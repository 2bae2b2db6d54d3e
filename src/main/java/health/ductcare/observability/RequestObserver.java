package health.ductcare.observability;

import health.ductcare.fhir.RequestIds;
import health.ductcare.service.ResourceTypes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One access-log line and one {@code ductcare.fhir.requests} timer sample per request, written when the response
 * ends. Only the method, the route template, the FHIR interaction and type, the status, the duration and the
 * request id are used: never the concrete path (ids), the query (search values can be names) or a body.
 */
@Singleton
public class RequestObserver {

    static final String ACCESS_LOGGER = "health.ductcare.access";
    public static final String REQUEST_TIMER = "ductcare.fhir.requests";

    private static final Logger ACCESS = Logger.getLogger(ACCESS_LOGGER);

    private final MeterRegistry registry;
    private final ResourceTypes types;

    public RequestObserver(MeterRegistry registry, ResourceTypes types) {
        this.registry = registry;
        this.types = types;
    }

    void register(@Observes Filters filters) {
        // Runs after RequestIds (priority 1000), so the correlation id is already chosen.
        filters.register(this::observe, 900);
    }

    private void observe(RoutingContext routingContext) {
        long started = System.nanoTime();
        String method = routingContext.request().method().name();
        String path = routingContext.request().path();
        routingContext.addEndHandler(ended -> record(routingContext, method, path, System.nanoTime() - started));
        routingContext.next();
    }

    private void record(RoutingContext routingContext, String method, String path, long nanos) {
        FhirRoute route = FhirRoute.classify(method, path, types::isKnown);
        int status = routingContext.response().getStatusCode();
        if (route.isFhir()) {
            Timer.builder(REQUEST_TIMER)
                    .description("FHIR requests by interaction, resource type and status class")
                    .tag("interaction", route.interaction())
                    .tag("type", route.type())
                    .tag("status", status / 100 + "xx")
                    .tag("outcome", status >= 500 ? "SERVER_ERROR" : status >= 400 ? "CLIENT_ERROR" : "SUCCESS")
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(nanos, TimeUnit.NANOSECONDS);
        }
        if (ACCESS.isInfoEnabled() && !route.interaction().equals("management")) {
            String requestId = RequestIds.of(routingContext);
            double millis = Math.round(nanos / 100_000.0) / 10.0;
            // The same fields as MDC entries, so JSON log lines carry them as separate keys.
            MDC.put("requestId", requestId);
            MDC.put("route", route.template());
            MDC.put("status", status);
            MDC.put("durationMs", millis);
            try {
                // Concatenated, not String.format: this line is written for every request.
                ACCESS.info(method + " " + route.template() + " " + status + " " + millis + "ms interaction="
                        + route.interaction() + " type=" + route.type() + " requestId=" + requestId);
            } finally {
                MDC.remove("requestId");
                MDC.remove("route");
                MDC.remove("status");
                MDC.remove("durationMs");
            }
        }
    }
}
