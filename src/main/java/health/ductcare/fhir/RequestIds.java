package health.ductcare.fhir;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The correlation id of every request: a client's {@code X-Request-ID} when it is a sane token, else a new
 * one; returned on the response and carried in logs and 500 answers.
 */
@Singleton
public class RequestIds {

    public static final String HEADER = "X-Request-ID";
    private static final String KEY = "ductcare.request-id";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{1,64}");

    void register(@Observes Filters filters) {
        filters.register(routingContext -> {
            String offered = routingContext.request().getHeader(HEADER);
            String id = offered != null && SAFE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
            routingContext.put(KEY, id);
            routingContext.response().putHeader(HEADER, id);
            routingContext.next();
        }, 1000);
    }

    public static String of(RoutingContext routingContext) {
        String id = routingContext == null ? null : routingContext.get(KEY);
        return id == null ? "unknown" : id;
    }
}
