package health.ductcare.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import health.ductcare.service.ResourceTypes;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.api.ErrorCode;
import org.h2.jdbc.JdbcException;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStoreException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error the service answers with goes through here and becomes an OperationOutcome with its status,
 * in the format the client asked for. Nothing internal (stack traces, class names, SQL) reaches the client.
 */
public class FhirExceptionMappers {

    private static final Logger LOG = Logger.getLogger(FhirExceptionMappers.class);
    private static final String STORAGE_RETRY_AFTER_SECONDS = "10";
    /** Agroal's exception, without SQL state, when no pooled connection came free within the acquisition timeout. */
    private static final String POOL_EXHAUSTED = "Sorry, acquisition timeout!";
    /** H2 error codes of a database that cannot read or write its files, or is shut. */
    private static final Set<Integer> H2_STORAGE_ERRORS = Set.of(ErrorCode.IO_EXCEPTION_1, ErrorCode.IO_EXCEPTION_2,
            ErrorCode.FILE_CORRUPTED_1, ErrorCode.DATABASE_IS_CLOSED, ErrorCode.DATABASE_CALLED_AT_SHUTDOWN);
    /** H2's store failing to read or write its file (a full disk), closed, corrupt or locked by another process. */
    private static final Set<Integer> H2_STORE_ERRORS = Set.of(DataUtils.ERROR_READING_FAILED,
            DataUtils.ERROR_WRITING_FAILED, DataUtils.ERROR_CLOSED, DataUtils.ERROR_FILE_CORRUPT,
            DataUtils.ERROR_FILE_LOCKED);

    @Inject
    FhirWriter writer;

    @Inject
    ResourceTypes types;

    @ServerExceptionMapper
    public Response fhirError(BaseServerResponseException e, HttpHeaders headers, UriInfo uriInfo) {
        OperationOutcome outcome = e.getOperationOutcome() instanceof OperationOutcome oo && !oo.getIssue().isEmpty()
                ? oo
                : OperationOutcomes.error(OperationOutcomes.issueTypeFor(e.getStatusCode()), cleanMessage(e.getMessage()));
        Response.ResponseBuilder builder = writer.respond(e.getStatusCode(), outcome,
                errorOptions(headers, uriInfo));
        if (e.getResponseHeaders() != null) {
            e.getResponseHeaders().forEach((name, values) -> values.forEach(v -> builder.header(name, v)));
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response unparseable(DataFormatException e, HttpHeaders headers, UriInfo uriInfo) {
        return writer.respond(400, OperationOutcomes.error(IssueType.STRUCTURE,
                        "The body could not be parsed as FHIR: " + cleanMessage(e.getMessage())),
                errorOptions(headers, uriInfo)).build();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, HttpHeaders headers, UriInfo uriInfo) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, headers, uriInfo, null);
        }
        String invalidId = status == 404 ? invalidIdIn(uriInfo.getPath()) : null;
        if (invalidId != null) {
            return writer.respond(400, OperationOutcomes.error(IssueType.INVALID, "'"
                            + ContentNegotiation.sanitize(invalidId) + "' is not a valid resource id: FHIR ids are 1-64"
                            + " letters, digits, '-' and '.'"), errorOptions(headers, uriInfo)).build();
        }
        String diagnostics = switch (status) {
            case 404 -> "No such endpoint: " + ContentNegotiation.sanitize(uriInfo.getPath());
            case 405 -> "This interaction is not supported on " + ContentNegotiation.sanitize(uriInfo.getPath());
            case 406 -> "None of the media types in Accept can be produced: use application/fhir+json or application/fhir+xml";
            case 413 -> "The request body is larger than this server accepts";
            case 415 -> "Unsupported Content-Type: send application/fhir+json or application/fhir+xml";
            default -> "The request could not be processed (HTTP " + status + ")";
        };
        Response.ResponseBuilder builder = writer.respond(status,
                OperationOutcomes.error(OperationOutcomes.issueTypeFor(status), diagnostics),
                errorOptions(headers, uriInfo));
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        if (allow != null) {
            builder.header(HttpHeaders.ALLOW, allow);
        }
        return builder.build();
    }

    private static final Pattern INSTANCE_PATH = Pattern.compile("^/fhir/([A-Z][A-Za-z]{1,63})/([^/]+)(/.*)?$");

    /**
     * The id segment of {@code /fhir/Type/id...} when it is not a valid FHIR id: no route matches it, but the
     * client named an instance, so the answer is 400 rather than "no such endpoint".
     */
    private String invalidIdIn(String path) {
        Matcher matcher = path == null ? null : INSTANCE_PATH.matcher(path);
        if (matcher == null || !matcher.matches() || !types.isKnown(matcher.group(1))) {
            return null;
        }
        String id = matcher.group(2);
        if (id.startsWith("_") || id.startsWith("$") || FhirIds.isValid(id)) {
            return null;
        }
        return id;
    }

    /** A query string with broken percent-encoding ({@code ?name=%zz}): Vert.x refuses to decode it. */
    @ServerExceptionMapper
    public Response malformedRequest(HttpException e, HttpHeaders headers, UriInfo uriInfo,
            RoutingContext routingContext) {
        if (e.getStatusCode() >= 500) {
            return unexpected(e, headers, uriInfo, routingContext);
        }
        String detail = e.getCause() != null ? e.getCause().getMessage() : e.getPayload();
        return writer.respond(e.getStatusCode(), OperationOutcomes.error(IssueType.INVALID,
                        "The request URL could not be decoded" + (detail == null ? "" : ": " + cleanMessage(detail))),
                errorOptions(headers, uriInfo)).build();
    }

    /** How to answer an error: as the client asked, unless the query string itself is what cannot be read. */
    private static ResponseOptions errorOptions(HttpHeaders headers, UriInfo uriInfo) {
        MultivaluedMap<String, String> query;
        try {
            query = uriInfo.getQueryParameters();
        } catch (RuntimeException undecodable) {
            query = new MultivaluedHashMap<>();
        }
        return ContentNegotiation.forError(headers, query);
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e, HttpHeaders headers, UriInfo uriInfo, RoutingContext routingContext) {
        if (isConcurrentWriteConflict(e)) {
            LOG.infof("Concurrent write conflict, request id %s: %s", RequestIds.of(routingContext), rootCauseType(e));
            return writer.respond(409, OperationOutcomes.error(IssueType.CONFLICT,
                            "A concurrent write to the same resource won; retry the request"),
                    errorOptions(headers, uriInfo)).build();
        }
        String requestId = RequestIds.of(routingContext);
        if (hasCause(e, StackOverflowError.class)) {
            // Only input nested beyond what the parsers and the validator can recurse through gets here; the
            // stack has unwound, so the request is refused and the server carries on.
            LOG.warnf("Request %s refused: processing its input overflowed the stack", requestId);
            return writer.respond(400, OperationOutcomes.error(IssueType.STRUCTURE,
                            "The request is nested too deeply to be processed"),
                    errorOptions(headers, uriInfo)).build();
        }
        if (isStorageUnavailable(e)) {
            // Nothing was written (the transaction rolled back); the client may retry when the database is back.
            LOG.errorf("Database unavailable, request id %s: %s", requestId, storageFailure(e));
            return writer.respond(503, OperationOutcomes.error(IssueType.TRANSIENT,
                            "The database is unavailable; nothing was stored. Retry shortly (request id " + requestId
                                    + ")"),
                    errorOptions(headers, uriInfo))
                    .header("Retry-After", STORAGE_RETRY_AFTER_SECONDS).build();
        }
        LOG.errorf(e, "Unexpected failure, request id %s", requestId);
        return writer.respond(500, OperationOutcomes.error(IssueType.EXCEPTION,
                        "Internal server error; quote request id " + requestId + " when reporting it"),
                errorOptions(headers, uriInfo)).build();
    }

    static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    static boolean isConcurrentWriteConflict(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String name = cause.getClass().getName();
            if (name.equals("org.hibernate.exception.ConstraintViolationException")
                    || name.equals("org.hibernate.exception.LockAcquisitionException")
                    || name.equals("org.hibernate.PessimisticLockException")
                    || name.equals("jakarta.persistence.PessimisticLockException")
                    || name.equals("jakarta.persistence.OptimisticLockException")) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /**
     * Whether the request failed because the database could not be reached or could not write, not because of
     * the request: a lost or refused connection (SQLState class 08), insufficient resources such as a full disk
     * (53), an operator shutdown (57P) or an I/O error (58) on PostgreSQL; H2's I/O errors, a closed or closing
     * database, and its store failing to write a file (full disk); no pooled connection free in time.
     */
    static boolean isStorageUnavailable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof SQLRecoverableException) {
                return true;
            }
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                        || state.startsWith("58"))) {
                    return true;
                }
                if (sql instanceof JdbcException && H2_STORAGE_ERRORS.contains(sql.getErrorCode())) {
                    return true;
                }
                if (POOL_EXHAUSTED.equals(sql.getMessage())) {
                    return true;
                }
            }
            if (cause instanceof MVStoreException store && H2_STORE_ERRORS.contains(store.getErrorCode())) {
                return true;
            }
            if (cause instanceof IOException && cause.getMessage() != null
                    && (cause.getMessage().contains("No space left on device")
                            || cause.getMessage().contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** The failure's type and SQL state or error code: enough for an operator, no values of the request. */
    private static String storageFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return sql.getClass().getSimpleName() + " (SQLState " + sql.getSQLState() + ", code "
                        + sql.getErrorCode() + ")";
            }
        }
        return rootCauseType(e);
    }

    private static String rootCauseType(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    private static String cleanMessage(String message) {
        return message == null ? "Request failed" : message.replaceFirst("^HAPI-\\d+: ", "");
    }
}
