package health.ductcare.service;

import health.ductcare.security.AccessPolicy;
import health.ductcare.security.BundleAuditLog;
import health.ductcare.security.BundleEntryAccess;
import health.ductcare.security.Interaction;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import health.ductcare.bundle.EntryRequest;
import health.ductcare.bundle.ReferenceResolver;
import health.ductcare.fhir.ContentNegotiation;
import health.ductcare.fhir.FhirValidation;
import health.ductcare.fhir.FhirWriter;
import health.ductcare.fhir.HttpStatusException;
import health.ductcare.fhir.IncomingResources;
import health.ductcare.fhir.OperationOutcomes;
import health.ductcare.fhir.ResponseOptions;
import health.ductcare.search.SearchRequest;
import health.ductcare.search.SearchService;
import health.ductcare.store.StoredResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryResponseComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.jboss.logging.Logger;

/**
 * The transaction and batch interactions (http.html#transaction), transport-free: takes the posted Bundle,
 * returns the response Bundle, whose entries mirror the request's.
 * <p>
 * A transaction is checked whole first (structure 400, size 413, R4 validation 422), then runs in one database
 * transaction in the order R4 gives (DELETE, POST, PUT/PATCH, GET/HEAD) with the ids of new resources assigned
 * before anything is stored, so references to {@code fullUrl}s are rewritten; any failing entry rolls all back
 * and the answer is that entry's status with an OperationOutcome naming it. A GET entry (read, vread, search or
 * history) answers what the direct GET of its URL answers (shaped by its {@code _summary} and {@code _elements}),
 * checked and audited as that interaction. A batch runs
 * each entry in its own transaction, in order, and answers each with its own status.
 */
@ApplicationScoped
public class BundleService {

    private static final Logger LOG = Logger.getLogger(BundleService.class);
    private static final Pattern ENTRY_LOCATION = Pattern.compile("^Bundle\\.entry\\[(\\d+)\\]");
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    /**
     * The validator wants a fullUrl on every entry, but in a transaction or batch a create needs none
     * (bundle.html#bundle-unique) and references are resolved by the server, as http.html#trules says.
     */
    private static final Set<String> ENCODING_PARAMETERS = Set.of("_format", "_pretty");
    private static final Set<String> NOT_REQUIRED_IN_TRANSACTIONS =
            Set.of("Bundle_BUNDLE_Entry_NoFullUrl", "Bundle_BUNDLE_FullUrl_Missing");

    public enum ReturnContent { MINIMAL, REPRESENTATION, OPERATION_OUTCOME }

    /** The FHIR base URL (for absolute request URLs and links) and what the client prefers back per entry. */
    public record BundleOptions(String baseUrl, ReturnContent returnContent) {
    }

    private final FhirContext context;
    private final IncomingResources incoming;
    private final FhirValidation validation;
    private final ResourceService resources;
    private final ConditionalService conditional;
    private final PatchService patches;
    private final SearchService search;
    private final HistoryService histories;
    private final CallerCriteria criteria;
    private final ResourceTypes types;
    private final ReferenceResolver references;
    private final AccessPolicy access;
    private final BundleAuditLog auditLog;
    private final Clock clock;
    private final FhirWriter writer;

    public BundleService(FhirContext context, IncomingResources incoming, FhirValidation validation,
            ResourceService resources, ConditionalService conditional, PatchService patches, SearchService search,
            HistoryService histories, CallerCriteria criteria, ResourceTypes types, ReferenceResolver references,
            Clock clock, AccessPolicy access, BundleAuditLog auditLog, FhirWriter writer) {
        this.context = context;
        this.writer = writer;
        this.incoming = incoming;
        this.validation = validation;
        this.resources = resources;
        this.conditional = conditional;
        this.patches = patches;
        this.search = search;
        this.histories = histories;
        this.criteria = criteria;
        this.types = types;
        this.references = references;
        this.access = access;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    public Bundle process(byte[] body, String contentType, BundleOptions options) {
        IncomingResources.Incoming parsed = incoming.parse(body, contentType);
        if (!(parsed.resource() instanceof Bundle bundle)) {
            throw new InvalidRequestException("POST to the base URL takes a Bundle of type transaction or batch, not a "
                    + context.getResourceType(parsed.resource()));
        }
        BundleType type = bundle.getType();
        if (type != BundleType.TRANSACTION && type != BundleType.BATCH) {
            throw new InvalidRequestException("POST to the base URL takes a Bundle of type transaction or batch, not "
                    + (type == null || type == BundleType.NULL ? "one without a type" : type.toCode()));
        }
        auditLog.record(type.toCode(), List.of());
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            entries.add(new Entry(i, bundle.getEntry().get(i), options.baseUrl()));
        }
        ValidationResult validated = validation.validate(parsed.text());
        Bundle response = type == BundleType.TRANSACTION
                ? transaction(entries, validated, options)
                : batch(entries, validated, options);
        auditLog.record(type.toCode(), accessed(entries));
        return response;
    }

    /**
     * What each entry did, for the audit trail: the resource version it wrote or read, or, when it failed, what
     * it asked for. An entry whose request could not be understood named nothing and is left out.
     */
    private static List<BundleEntryAccess> accessed(List<Entry> entries) {
        List<BundleEntryAccess> accessed = new ArrayList<>();
        for (Entry entry : entries) {
            EntryRequest request = entry.request;
            if (request == null) {
                continue;
            }
            Interaction interaction = interactionOf(request);
            if (entry.failure != null) {
                accessed.add(new BundleEntryAccess(interaction, request.type(), request.id(), null,
                        entry.failure.getStatusCode()));
            } else if (entry.outcome != null) {
                StoredResource stored = entry.outcome.stored();
                int status = Integer.parseInt(entry.outcome.response().getStatus().substring(0, 3));
                accessed.add(stored == null
                        ? new BundleEntryAccess(interaction, request.type(), request.id(), null, status)
                        : new BundleEntryAccess(interaction, stored.type(), stored.id(), stored.version(), status));
            }
        }
        return accessed;
    }

    private static Interaction interactionOf(EntryRequest request) {
        return switch (request.method()) {
            case POST -> Interaction.CREATE;
            case PUT -> Interaction.UPDATE;
            case PATCH -> Interaction.PATCH;
            case DELETE -> Interaction.DELETE;
            default -> request.history() ? historyInteraction(request)
                    : request.isSearch() ? Interaction.SEARCH
                    : request.version() != null ? Interaction.VREAD : Interaction.READ;
        };
    }

    private static Interaction historyInteraction(EntryRequest request) {
        return request.id() != null ? Interaction.HISTORY_INSTANCE
                : request.type() != null ? Interaction.HISTORY_TYPE : Interaction.HISTORY_SYSTEM;
    }

    // ---------------------------------------------------------------- transaction

    private Bundle transaction(List<Entry> entries, ValidationResult validated, BundleOptions options) {
        for (Entry entry : entries) {
            if (entry.failure != null) {
                throw entry.failure;
            }
        }
        List<SingleValidationMessage> errors = errors(validated.getMessages());
        if (!errors.isEmpty()) {
            throw new UnprocessableEntityException("The transaction Bundle is not valid FHIR R4",
                    outcome(errors));
        }
        QuarkusTransaction.requiringNew().run(() -> runTransaction(entries, options));
        return responseBundle(BundleType.TRANSACTIONRESPONSE, entries, options);
    }

    private void runTransaction(List<Entry> entries, BundleOptions options) {
        Map<String, String> assigned = new HashMap<>();
        Set<String> identities = new HashSet<>();

        for (Entry entry : with(entries, HTTPVerb.DELETE)) {
            failingAs(entry, () -> {
                entry.outcome = delete(entry, options);
                claim(identities, entry.outcome.stored().versionlessReference(), entry);
            });
        }

        // Every identity a write will have is known before the first resource is stored.
        for (Entry entry : with(entries, HTTPVerb.POST)) {
            if (entry.request.ifNoneExist() == null) {
                entry.targetId = ResourceService.newId();
                entry.assign(assigned, entry.request.type() + "/" + entry.targetId);
            }
        }
        for (Entry entry : entries) {
            HTTPVerb method = entry.request.method();
            if (method == HTTPVerb.PUT || method == HTTPVerb.PATCH) {
                failingAs(entry, () -> {
                    entry.targetId = resolveTarget(entry);
                    entry.assign(assigned, entry.request.type() + "/" + entry.targetId);
                    claim(identities, entry.request.type() + "/" + entry.targetId, entry);
                });
            }
        }

        for (Entry entry : referencedFirst(conditionalCreates(entries))) {
            failingAs(entry, () -> {
                references.rewrite(entry.resource, assigned, entry.name);
                entry.outcome = written(conditional.create(entry.request.type(), entry.resource,
                        entry.request.ifNoneExist()), options);
                entry.assign(assigned, entry.outcome.stored().versionlessReference());
                claim(identities, entry.outcome.stored().versionlessReference(), entry);
            });
        }
        for (Entry entry : with(entries, HTTPVerb.POST)) {
            if (entry.request.ifNoneExist() == null) {
                failingAs(entry, () -> {
                    references.rewrite(entry.resource, assigned, entry.name);
                    entry.outcome = written(resources.create(entry.request.type(), entry.targetId, entry.resource),
                            options);
                    claim(identities, entry.outcome.stored().versionlessReference(), entry);
                });
            }
        }

        for (Entry entry : entries) {
            HTTPVerb method = entry.request.method();
            if (method == HTTPVerb.PUT) {
                failingAs(entry, () -> entry.outcome = put(entry, assigned, options));
            } else if (method == HTTPVerb.PATCH) {
                failingAs(entry, () -> entry.outcome = patch(entry, assigned, options));
            }
        }

        for (Entry entry : entries) {
            HTTPVerb method = entry.request.method();
            if (method == HTTPVerb.GET || method == HTTPVerb.HEAD) {
                failingAs(entry, () -> entry.outcome = get(entry, options));
            }
        }
    }

    /** The id a PUT or PATCH will write: its URL's, or the one match of its criteria, or a new one. */
    private String resolveTarget(Entry entry) {
        EntryRequest request = entry.request;
        if (request.id() != null) {
            return request.id();
        }
        List<StoredResource> matches = criteria.match(request.type(), request.criteria(), 2);
        if (matches.size() > 1) {
            throw new PreconditionFailedException("The criteria match more than one " + request.type());
        }
        if (matches.size() == 1) {
            return matches.get(0).id();
        }
        if (request.method() == HTTPVerb.PATCH) {
            throw new ResourceNotFoundException("No " + request.type() + " matches the criteria");
        }
        String bodyId = plainBodyId(entry.resource);
        return bodyId != null ? bodyId : ResourceService.newId();
    }

    private List<Entry> conditionalCreates(List<Entry> entries) {
        return with(entries, HTTPVerb.POST).stream().filter(e -> e.request.ifNoneExist() != null).toList();
    }

    /** Conditional creates ordered so that one referring to another's fullUrl runs after it. */
    private List<Entry> referencedFirst(List<Entry> creates) {
        Map<String, Entry> byFullUrl = new LinkedHashMap<>();
        for (Entry entry : creates) {
            if (entry.fullUrl != null) {
                byFullUrl.put(entry.fullUrl, entry);
            }
        }
        List<Entry> ordered = new ArrayList<>();
        Set<Entry> done = new HashSet<>();
        for (Entry entry : creates) {
            visit(entry, byFullUrl, done, new HashSet<>(), ordered);
        }
        return ordered;
    }

    private void visit(Entry entry, Map<String, Entry> byFullUrl, Set<Entry> done, Set<Entry> inProgress,
            List<Entry> ordered) {
        if (done.contains(entry)) {
            return;
        }
        if (!inProgress.add(entry)) {
            throw failed(entry, new InvalidRequestException("Conditional creates that refer to each other in a"
                    + " circle are not supported"));
        }
        for (String fullUrl : references.referencedFullUrls(entry.resource, byFullUrl.keySet())) {
            visit(byFullUrl.get(fullUrl), byFullUrl, done, inProgress, ordered);
        }
        inProgress.remove(entry);
        done.add(entry);
        ordered.add(entry);
    }

    private static void claim(Set<String> identities, String identity, Entry entry) {
        if (!identities.add(identity)) {
            throw new InvalidRequestException(entry.name + " resolves to " + identity
                    + ", which another entry of this transaction also writes");
        }
    }

    private void failingAs(Entry entry, Runnable step) {
        try {
            step.run();
        } catch (BaseServerResponseException e) {
            throw failed(entry, e);
        }
    }

    /** The entry's own error, with a first issue that names the entry, as the whole transaction's answer. */
    private static HttpStatusException failed(Entry entry, BaseServerResponseException cause) {
        String message = clean(cause.getMessage());
        String diagnostics = message.startsWith(entry.name) ? message : entry.name + " failed: " + message;
        OperationOutcome outcome = OperationOutcomes.error(OperationOutcomes.issueTypeFor(cause.getStatusCode()),
                diagnostics, "Bundle.entry[" + entry.index + "]");
        if (cause.getOperationOutcome() instanceof OperationOutcome details) {
            outcome.getIssue().addAll(details.getIssue());
        }
        return new HttpStatusException(cause.getStatusCode(), diagnostics, outcome);
    }

    // ---------------------------------------------------------------- batch

    private Bundle batch(List<Entry> entries, ValidationResult validated, BundleOptions options) {
        Map<Integer, List<SingleValidationMessage>> errorsByEntry = new HashMap<>();
        List<SingleValidationMessage> bundleErrors = new ArrayList<>();
        for (SingleValidationMessage error : errors(validated.getMessages())) {
            Matcher matcher = ENTRY_LOCATION.matcher(error.getLocationString() == null ? "" : error.getLocationString());
            if (matcher.find()) {
                errorsByEntry.computeIfAbsent(Integer.parseInt(matcher.group(1)), i -> new ArrayList<>()).add(error);
            } else {
                bundleErrors.add(error);
            }
        }
        if (!bundleErrors.isEmpty()) {
            throw new UnprocessableEntityException("The batch Bundle is not valid FHIR R4", outcome(bundleErrors));
        }
        Map<String, String> assigned = new HashMap<>();
        for (Entry entry : entries) {
            if (entry.failure == null && errorsByEntry.containsKey(entry.index)) {
                entry.failure = new UnprocessableEntityException(entry.name + " is not valid FHIR R4",
                        outcome(errorsByEntry.get(entry.index)));
            }
            if (entry.failure != null) {
                continue;
            }
            try {
                entry.outcome = QuarkusTransaction.requiringNew().call(() -> runBatchEntry(entry, assigned, options));
                if (entry.outcome.stored() != null) {
                    entry.assign(assigned, entry.outcome.stored().versionlessReference());
                }
            } catch (BaseServerResponseException e) {
                entry.failure = e;
            } catch (RuntimeException e) {
                entry.failure = unexpected(entry, e);
            }
        }
        return responseBundle(BundleType.BATCHRESPONSE, entries, options);
    }

    private EntryOutcome runBatchEntry(Entry entry, Map<String, String> assigned, BundleOptions options) {
        EntryRequest request = entry.request;
        return switch (request.method()) {
            case DELETE -> delete(entry, options);
            case POST -> {
                references.rewrite(entry.resource, assigned, entry.name);
                yield written(request.ifNoneExist() != null
                        ? conditional.create(request.type(), entry.resource, request.ifNoneExist())
                        : resources.create(request.type(), entry.resource), options);
            }
            case PUT -> put(entry, assigned, options);
            case PATCH -> {
                entry.targetId = resolveTarget(entry);
                yield patch(entry, assigned, options);
            }
            default -> get(entry, options);
        };
    }

    private static BaseServerResponseException unexpected(Entry entry, RuntimeException e) {
        for (Throwable cause = e; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            String name = cause.getClass().getName();
            if (name.endsWith("ConstraintViolationException") || name.endsWith("LockAcquisitionException")
                    || name.endsWith("PessimisticLockException") || name.endsWith("OptimisticLockException")) {
                return new ResourceVersionConflictException(entry.name
                        + ": a concurrent write to the same resource won; retry the entry");
            }
        }
        LOG.errorf(e, "Batch entry %d failed unexpectedly", entry.index);
        return new HttpStatusException(500, entry.name + " failed on an internal error");
    }

    // ---------------------------------------------------------------- the interactions of one entry

    private EntryOutcome delete(Entry entry, BundleOptions options) {
        EntryRequest request = entry.request;
        WriteResult result = request.id() != null
                ? resources.delete(request.type(), request.id(), request.ifMatch())
                : conditional.delete(request.type(), request.criteria(), request.ifMatch());
        StoredResource stored = result.stored();
        BundleEntryResponseComponent response = new BundleEntryResponseComponent()
                .setStatus(statusLine(204))
                .setEtag(stored.etag())
                .setLastModified(Date.from(stored.lastUpdated()));
        if (options.returnContent() == ReturnContent.OPERATION_OUTCOME) {
            response.setOutcome(OperationOutcomes.information(result.changed()
                    ? "Deleted " + stored.versionlessReference() + " (version " + stored.version() + ")"
                    : stored.versionlessReference() + " was already deleted"));
        }
        return new EntryOutcome(response, null, stored);
    }

    private EntryOutcome put(Entry entry, Map<String, String> assigned, BundleOptions options) {
        EntryRequest request = entry.request;
        references.rewrite(entry.resource, assigned, entry.name);
        if (request.id() != null) {
            return written(resources.update(request.type(), request.id(), entry.resource, request.ifMatch()), options);
        }
        if (entry.targetId != null) {
            // A new resource of a conditional update gets the id announced to the other entries.
            entry.resource.setId(new IdType(request.type(), entry.targetId));
        }
        WriteResult result = conditional.update(request.type(), entry.resource, request.criteria(), request.ifMatch());
        if (entry.targetId != null && !entry.targetId.equals(result.stored().id())) {
            throw new ResourceVersionConflictException("The resources matching the criteria changed during the"
                    + " transaction; retry it");
        }
        return written(result, options);
    }

    private EntryOutcome patch(Entry entry, Map<String, String> assigned, BundleOptions options) {
        if (entry.resource instanceof Parameters) {
            references.rewrite(entry.resource, assigned, entry.name);
        }
        PatchService.Patch patch = patches.fromResource(entry.resource);
        return written(patches.patch(entry.request.type(), entry.targetId, patch, entry.request.ifMatch()), options);
    }

    /**
     * A GET (or HEAD) entry, answered as the direct GET of its URL: the same checks, the same resource or Bundle,
     * shaped by the URL's {@code _summary} and {@code _elements} as the endpoint shapes it (a malformed one fails the
     * entry with the direct GET's 400). {@code _format} and {@code _pretty} do not apply inside a Bundle.
     */
    private EntryOutcome get(Entry entry, BundleOptions options) {
        EntryRequest request = entry.request;
        boolean head = request.method() == HTTPVerb.HEAD;
        if (request.history()) {
            // The history the endpoint answers for the same URL, checked as it is (the interaction's scope here).
            access.checkInteraction(historyInteraction(request), request.type());
            ResponseOptions shaping = ContentNegotiation.resultShaping(request.criteria());
            Bundle result = histories.history(new HistoryService.HistoryRequest(request.type(), request.id(),
                    request.criteria(), request.rawQuery(), options.baseUrl())).parse(context);
            access.guardBundle(result);
            return new EntryOutcome(new BundleEntryResponseComponent().setStatus(statusLine(200)),
                    head ? null : writer.shapeEntries(result, shaping), null);
        }
        if (request.isSearch()) {
            access.checkInteraction(Interaction.SEARCH, request.type());
            ResponseOptions shaping = ContentNegotiation.resultShaping(request.criteria());
            Map<String, List<String>> parameters = new LinkedHashMap<>(
                    request.criteria() == null ? Map.of() : request.criteria());
            // The Bundle's own format decides the entries' format, so their links leave these out.
            ENCODING_PARAMETERS.forEach(parameters::remove);
            Bundle result = search.search(new SearchRequest(request.type(), parameters, options.baseUrl(), false,
                    access.searchCompartment(request.type())));
            access.guardBundle(result);
            return new EntryOutcome(new BundleEntryResponseComponent().setStatus(statusLine(200)),
                    head ? null : writer.shapeEntries(result, shaping), null);
        }
        access.checkInteraction(request.version() != null ? Interaction.VREAD : Interaction.READ, request.type());
        ResponseOptions shaping = ContentNegotiation.resultShaping(request.criteria());
        StoredResource stored = request.version() != null
                ? resources.vread(request.type(), request.id(), request.version())
                : resources.read(request.type(), request.id());
        access.checkRead(stored);
        BundleEntryResponseComponent response = new BundleEntryResponseComponent()
                .setStatus(statusLine(200))
                .setEtag(stored.etag())
                .setLastModified(Date.from(stored.lastUpdated()));
        return new EntryOutcome(response, head ? null
                : writer.shape((Resource) context.newJsonParser().parseResource(stored.json()), shaping), stored);
    }

    private EntryOutcome written(WriteResult result, BundleOptions options) {
        StoredResource stored = result.stored();
        BundleEntryResponseComponent response = new BundleEntryResponseComponent()
                .setStatus(statusLine(result.status()))
                .setLocation(stored.versionlessReference() + "/_history/" + stored.version())
                .setEtag(stored.etag())
                .setLastModified(Date.from(stored.lastUpdated()));
        Resource resource = null;
        switch (options.returnContent()) {
            case MINIMAL -> {
            }
            case OPERATION_OUTCOME -> response.setOutcome(OperationOutcomes.information(
                    (result.created() ? "Created " : result.changed() ? "Updated " : "Matched existing ")
                            + stored.versionlessReference() + " version " + stored.version()));
            default -> resource = result.resource() != null ? (Resource) result.resource()
                    : (Resource) context.newJsonParser().parseResource(stored.json());
        }
        return new EntryOutcome(response, resource, stored);
    }

    // ---------------------------------------------------------------- response

    private Bundle responseBundle(BundleType type, List<Entry> entries, BundleOptions options) {
        Bundle bundle = new Bundle().setType(type);
        bundle.setId(ResourceService.newId());
        bundle.getMeta().setLastUpdated(Date.from(clock.instant()));
        for (Entry entry : entries) {
            Bundle.BundleEntryComponent responseEntry = bundle.addEntry();
            if (entry.failure != null) {
                BaseServerResponseException failure = entry.failure;
                OperationOutcome outcome = failure.getOperationOutcome() instanceof OperationOutcome oo
                        && !oo.getIssue().isEmpty() ? oo
                        : OperationOutcomes.error(OperationOutcomes.issueTypeFor(failure.getStatusCode()),
                                clean(failure.getMessage()));
                responseEntry.getResponse().setStatus(statusLine(failure.getStatusCode())).setOutcome(outcome);
                continue;
            }
            EntryOutcome outcome = entry.outcome;
            responseEntry.setResponse(outcome.response());
            if (outcome.stored() != null && entry.request.method() != HTTPVerb.DELETE) {
                responseEntry.setFullUrl(options.baseUrl() + "/" + outcome.stored().versionlessReference());
            }
            if (outcome.resource() != null) {
                responseEntry.setResource(outcome.resource());
            }
        }
        return bundle;
    }

    private static List<SingleValidationMessage> errors(List<SingleValidationMessage> messages) {
        return messages.stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .filter(m -> m.getMessageId() == null || !NOT_REQUIRED_IN_TRANSACTIONS.contains(m.getMessageId()))
                .toList();
    }

    private OperationOutcome outcome(List<SingleValidationMessage> messages) {
        return (OperationOutcome) new ValidationResult(context, messages).toOperationOutcome();
    }

    private static String plainBodyId(IBaseResource resource) {
        if (resource == null || resource.getIdElement() == null || resource.getIdElement().isEmpty()) {
            return null;
        }
        String value = resource.getIdElement().getValue();
        String idPart = resource.getIdElement().getIdPart();
        // The parser sets the id of an entry's resource from a urn:uuid fullUrl: that is no id to keep.
        if (value.startsWith("urn:") || idPart == null || !PLAIN_ID.matcher(idPart).matches()) {
            return null;
        }
        return idPart;
    }

    static String statusLine(int status) {
        String reason = switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 412 -> "Precondition Failed";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            default -> status >= 500 ? "Internal Server Error" : "";
        };
        return reason.isEmpty() ? Integer.toString(status) : status + " " + reason;
    }

    private static String clean(String message) {
        return message == null ? "Request failed" : message.replaceFirst("^HAPI-\\d+: ", "");
    }

    private static List<Entry> with(List<Entry> entries, HTTPVerb method) {
        return entries.stream().filter(e -> e.request != null && e.request.method() == method).toList();
    }

    /** What one entry produced: its response element, the resource to return (if any) and what was stored. */
    private record EntryOutcome(BundleEntryResponseComponent response, Resource resource, StoredResource stored) {
    }

    /** One request entry while it is processed. */
    private final class Entry {
        final int index;
        final String name;
        final String fullUrl;
        final Resource resource;
        EntryRequest request;
        BaseServerResponseException failure;
        String targetId;
        EntryOutcome outcome;

        Entry(int index, Bundle.BundleEntryComponent source, String baseUrl) {
            this.index = index;
            this.name = EntryRequest.describe(index, source);
            this.fullUrl = source.hasFullUrl() ? source.getFullUrl() : null;
            this.resource = source.getResource();
            try {
                this.request = EntryRequest.parse(source, index, baseUrl, types);
                checkBodyId();
            } catch (BaseServerResponseException e) {
                this.failure = e;
            }
        }

        private void checkBodyId() {
            if (request.method() == HTTPVerb.PUT && request.id() != null) {
                String bodyId = plainBodyId(resource);
                if (bodyId != null && !bodyId.equals(request.id())) {
                    throw new InvalidRequestException(name + ": the resource id (" + bodyId
                            + ") does not match request.url");
                }
            }
        }

        void assign(Map<String, String> assigned, String reference) {
            if (fullUrl != null) {
                assigned.put(fullUrl, reference);
            }
        }
    }
}
