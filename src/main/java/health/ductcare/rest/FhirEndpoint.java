package health.ductcare.rest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.ductcare.bundle.ReferenceResolver;
import health.ductcare.fhir.ContentNegotiation;
import health.ductcare.fhir.FhirIds;
import health.ductcare.fhir.FhirFormat;
import health.ductcare.fhir.FhirWriter;
import health.ductcare.fhir.IncomingResources;
import health.ductcare.fhir.OperationOutcomes;
import health.ductcare.fhir.ResponseOptions;
import health.ductcare.fhir.ServerBase;
import health.ductcare.fhir.UnparsedBundle;
import health.ductcare.operation.ApplyPlanDefinitionOperation;
import health.ductcare.operation.GenerateCarePlanOperation;
import health.ductcare.operation.ValidateOperation;
import health.ductcare.search.PatientEverything;
import health.ductcare.search.QueryStrings;
import health.ductcare.search.SearchRequest;
import health.ductcare.search.SearchService;
import health.ductcare.service.ConditionalService;
import health.ductcare.service.HistoryService;
import health.ductcare.security.AccessContext;
import health.ductcare.security.AccessPolicy;
import health.ductcare.service.ResourceService;
import health.ductcare.service.ResourceTypes;
import health.ductcare.service.WriteResult;
import health.ductcare.store.StoredResource;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * The FHIR R4 RESTful API over every resource type (http.html): thin, it negotiates formats and headers and
 * hands the work to the services.
 */
@Path("/fhir")
public class FhirEndpoint {

    private static final String TYPE = "{type: [A-Z][A-Za-z]{1,63}}";
    private static final String ID = "{id: " + FhirIds.REGEX + "}";
    private static final Set<String> RESULT_PARAMETERS = Set.of("_format", "_pretty", "_summary", "_elements");

    private final ResourceService resources;
    private final ResourceTypes types;
    private final IncomingResources incoming;
    private final FhirWriter writer;
    private final FhirContext context;
    private final SearchService search;
    private final ConditionalService conditional;
    private final CapabilityStatementFactory capabilityStatement;
    private final GenerateCarePlanOperation generateOperation;
    private final ApplyPlanDefinitionOperation applyOperation;
    private final ValidateOperation validateOperation;
    private final HistoryService histories;
    private final ServerBase serverBase;
    @jakarta.inject.Inject
    AccessPolicy access;
    @jakarta.inject.Inject
    AccessContext accessContext;
    @jakarta.inject.Inject
    PatientEverything everything;
    @jakarta.inject.Inject
    ReferenceResolver references;

    public FhirEndpoint(ResourceService resources, ResourceTypes types, IncomingResources incoming, FhirWriter writer,
            FhirContext context, SearchService search, ConditionalService conditional,
            CapabilityStatementFactory capabilityStatement,
            GenerateCarePlanOperation generateOperation, ApplyPlanDefinitionOperation applyOperation,
            ValidateOperation validateOperation, HistoryService histories, ServerBase serverBase) {
        this.resources = resources;
        this.types = types;
        this.incoming = incoming;
        this.writer = writer;
        this.context = context;
        this.search = search;
        this.conditional = conditional;
        this.capabilityStatement = capabilityStatement;
        this.generateOperation = generateOperation;
        this.applyOperation = applyOperation;
        this.validateOperation = validateOperation;
        this.histories = histories;
        this.serverBase = serverBase;
    }

    @GET
    @Path("metadata")
    public Response metadata(@Context HttpHeaders headers, @Context UriInfo uri) {
        ResponseOptions options = options(headers, uri);
        return Response.ok(capabilityStatement.encoded(baseUrl(uri), options), options.contentType()).build();
    }

    // ---------------------------------------------------------------- type level

    @POST
    @Path(TYPE)
    public Response create(@PathParam("type") String type, byte[] body, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        types.requireKnown(type);
        ResponseOptions options = options(headers, uri);
        IncomingResources.Incoming parsed = parseForWrite(body, headers, type, null, false);
        String ifNoneExist = headers.getHeaderString("If-None-Exist");
        WriteResult result = ifNoneExist == null || ifNoneExist.isBlank()
                ? resources.create(type, parsed.resource())
                : conditional.create(type, parsed.resource(), criteria(QueryStrings.parse(ifNoneExist)));
        return writeResponse(result, headers, uri, options);
    }

    /** The body of a create or update, validated, with its conditional references resolved. */
    private IncomingResources.Incoming parseForWrite(byte[] body, HttpHeaders headers, String type, String id,
            boolean idRequired) {
        IncomingResources.Incoming parsed = incoming.parseForWrite(body, contentType(headers), type, id, idRequired);
        references.resolveConditionalReferences(parsed.resource());
        return parsed;
    }

    /** Conditional update: PUT [type]?criteria. */
    @PUT
    @Path(TYPE)
    public Response conditionalUpdate(@PathParam("type") String type, byte[] body, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        types.requireKnown(type);
        ResponseOptions options = options(headers, uri);
        Map<String, List<String>> criteria = criteria(uri.getQueryParameters());
        IncomingResources.Incoming parsed = parseForWrite(body, headers, type, null, false);
        WriteResult result = conditional.update(type, parsed.resource(), criteria, FhirHeaders.ifMatchVersion(headers));
        return writeResponse(result, headers, uri, options);
    }

    /** Conditional delete: DELETE [type]?criteria. */
    @DELETE
    @Path(TYPE)
    public Response conditionalDelete(@PathParam("type") String type, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        types.requireKnown(type);
        ResponseOptions options = options(headers, uri);
        WriteResult result = conditional.delete(type, criteria(uri.getQueryParameters()),
                FhirHeaders.ifMatchVersion(headers));
        StoredResource stored = result.stored();
        return writer.respond(200, OperationOutcomes.information("Deleted " + stored.type() + "/" + stored.id()
                        + " (version " + stored.version() + ")"), options)
                .header(HttpHeaders.ETAG, stored.etag())
                .build();
    }

    @GET
    @Path(TYPE)
    public Response searchByGet(@PathParam("type") String type, @Context HttpHeaders headers, @Context UriInfo uri) {
        types.requireKnown(type);
        return searchResponse(type, uri.getQueryParameters(), headers, uri);
    }

    @POST
    @Path(TYPE + "/_search")
    @Consumes("application/x-www-form-urlencoded")
    public Response searchByPost(@PathParam("type") String type, MultivaluedMap<String, String> form,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        types.requireKnown(type);
        Map<String, List<String>> parameters = new LinkedHashMap<>(uri.getQueryParameters());
        if (form != null) {
            form.forEach((name, values) -> parameters.merge(name, values,
                    (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
        }
        return searchResponse(type, parameters, headers, uri);
    }

    @GET
    @Path(TYPE + "/_history")
    public Response typeHistory(@PathParam("type") String type, @Context HttpHeaders headers, @Context UriInfo uri) {
        types.requireKnown(type);
        return historyResponse(type, null, headers, uri);
    }

    @GET
    @Path("_history")
    public Response systemHistory(@Context HttpHeaders headers, @Context UriInfo uri) {
        return historyResponse(null, null, headers, uri);
    }

    // ---------------------------------------------------------------- instance level

    @GET
    @Path(TYPE + "/" + ID)
    public Response read(@PathParam("type") String type, @PathParam("id") String id, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        types.requireKnown(type);
        ResponseOptions options = options(headers, uri);
        StoredResource stored = resources.read(type, id);
        access.checkRead(stored);
        if (FhirHeaders.ifNoneMatchHits(headers, stored.version())
                || FhirHeaders.notModifiedSince(headers, stored.lastUpdated())) {
            return versionHeaders(Response.notModified(), stored).build();
        }
        return storedResponse(stored, options);
    }

    @GET
    @Path(TYPE + "/" + ID + "/_history/{vid}")
    public Response vread(@PathParam("type") String type, @PathParam("id") String id, @PathParam("vid") String vid,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        types.requireKnown(type);
        ResponseOptions options = options(headers, uri);
        StoredResource stored = resources.vread(type, id, vid);
        access.checkRead(stored);
        return storedResponse(stored, options);
    }

    @PUT
    @Path(TYPE + "/" + ID)
    public Response update(@PathParam("type") String type, @PathParam("id") String id, byte[] body,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        types.requireKnown(type);
        ResponseOptions options = options(headers, uri);
        Integer expectedVersion = FhirHeaders.ifMatchVersion(headers);
        IncomingResources.Incoming parsed = parseForWrite(body, headers, type, id, true);
        WriteResult result = resources.update(type, id, parsed.resource(), expectedVersion,
                FhirHeaders.ifNoneMatchAny(headers));
        return writeResponse(result, headers, uri, options);
    }

    @DELETE
    @Path(TYPE + "/" + ID)
    public Response delete(@PathParam("type") String type, @PathParam("id") String id, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        types.requireKnown(type);
        ResponseOptions options = options(headers, uri);
        WriteResult result = resources.delete(type, id, FhirHeaders.ifMatchVersion(headers));
        if (FhirHeaders.returnPreference(headers) == FhirHeaders.ReturnPreference.MINIMAL) {
            return Response.noContent().header(HttpHeaders.ETAG, result.stored().etag()).build();
        }
        String message = result.changed() ? "Deleted " + type + "/" + id + " (version " + result.stored().version() + ")"
                : type + "/" + id + " was already deleted";
        return writer.respond(200, OperationOutcomes.information(message), options)
                .header(HttpHeaders.ETAG, result.stored().etag())
                .build();
    }

    @GET
    @Path(TYPE + "/" + ID + "/_history")
    public Response instanceHistory(@PathParam("type") String type, @PathParam("id") String id,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        types.requireKnown(type);
        return historyResponse(type, id, headers, uri);
    }

    // ---------------------------------------------------------------- responses

    /** Search criteria of a conditional interaction: the query without the result parameters. */
    private static Map<String, List<String>> criteria(Map<String, List<String>> query) {
        Map<String, List<String>> criteria = new LinkedHashMap<>(query);
        RESULT_PARAMETERS.forEach(criteria::remove);
        if (criteria.isEmpty()) {
            throw new InvalidRequestException("A conditional interaction needs search criteria, such as"
                    + " ?identifier=system|value");
        }
        return criteria;
    }

    private Response searchResponse(String type, Map<String, List<String>> parameters, HttpHeaders headers,
            UriInfo uri) {
        ResponseOptions options = options(headers, uri);
        UnparsedBundle page = search.searchPage(new SearchRequest(type, parameters, baseUrl(uri),
                FhirHeaders.lenientHandling(headers), accessContext.compartment(type)));
        return Response.ok(encodeBundle(page, options)).type(options.contentType()).build();
    }

    /**
     * A search or history Bundle as the response body. Plain JSON that no access rule needs to look into goes out
     * with the stored JSON of each resource as it is (what HAPI would write after parsing it, without parsing it);
     * otherwise the resources are parsed, guarded and encoded with the response options.
     */
    private String encodeBundle(UnparsedBundle page, ResponseOptions options) {
        if (writer.writesStoredJson(options) && !access.guardsBundleEntries()) {
            return writer.encodeJson(page);
        }
        Bundle bundle = page.parse(context);
        access.guardBundle(bundle);
        return writer.encodeBundle(bundle, options);
    }

    private Response historyResponse(String type, String id, HttpHeaders headers, UriInfo uri) {
        ResponseOptions options = options(headers, uri);
        UnparsedBundle history = histories.history(new HistoryService.HistoryRequest(type, id,
                uri.getQueryParameters(), uri.getRequestUri().getRawQuery(), baseUrl(uri)));
        return Response.ok(encodeBundle(history, options)).type(options.contentType()).build();
    }

    private Response storedResponse(StoredResource stored, ResponseOptions options) {
        Response.ResponseBuilder builder = Response.ok().type(options.contentType());
        if (isPlainJson(options)) {
            builder.entity(stored.json());
        } else {
            builder.entity(writer.encode(context.newJsonParser().parseResource(stored.json()), options));
        }
        return versionHeaders(builder, stored).build();
    }

    private Response writeResponse(WriteResult result, HttpHeaders headers, UriInfo uri, ResponseOptions options) {
        StoredResource stored = result.stored();
        String location = baseUrl(uri) + "/" + stored.type() + "/" + stored.id() + "/_history/" + stored.version();
        Response.ResponseBuilder builder;
        switch (FhirHeaders.returnPreference(headers)) {
            case MINIMAL -> builder = Response.status(result.status());
            case OPERATION_OUTCOME -> builder = writer.respond(result.status(), OperationOutcomes.information(
                    (result.created() ? "Created " : result.changed() ? "Updated " : "Matched existing ")
                            + stored.type() + "/" + stored.id() + " version " + stored.version()), options);
            // The stored JSON is the written resource as the parser encoded it: no need to encode it again.
            default -> builder = result.resource() != null && !isPlainJson(options)
                    ? writer.respond(result.status(), result.resource(), options)
                    : Response.status(result.status()).entity(storedBody(stored, options)).type(options.contentType());
        }
        builder.header(result.created() ? HttpHeaders.LOCATION : HttpHeaders.CONTENT_LOCATION, location);
        if (!result.created()) {
            builder.header(HttpHeaders.LOCATION, location);
        }
        return versionHeaders(builder, stored).build();
    }

    private static boolean isPlainJson(ResponseOptions options) {
        return options.format() == FhirFormat.JSON && options.isPlain();
    }

    private String storedBody(StoredResource stored, ResponseOptions options) {
        return isPlainJson(options) ? stored.json()
                : writer.encode(context.newJsonParser().parseResource(stored.json()), options);
    }

    private static Response.ResponseBuilder versionHeaders(Response.ResponseBuilder builder, StoredResource stored) {
        return builder.header(HttpHeaders.ETAG, stored.etag())
                .header(HttpHeaders.LAST_MODIFIED, FhirHeaders.httpDate(stored.lastUpdated()));
    }

    private ResponseOptions options(HttpHeaders headers, UriInfo uri) {
        return ContentNegotiation.responseOptions(headers, uri.getQueryParameters());
    }

    private String baseUrl(UriInfo uri) {
        return serverBase.of(uri);
    }

    private static String contentType(HttpHeaders headers) {
        return headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
    }

    // ---------------------------------------------------------------- operations

    @POST
    @Path(TYPE + "/{operation: (\\$|%24)[A-Za-z][A-Za-z0-9\\-]*}")
    public Response typeOperation(@PathParam("type") String type, @PathParam("operation") String operation,
            byte[] body, @Context HttpHeaders headers, @Context UriInfo uri) {
        types.requireKnown(type);
        ResponseOptions options = options(headers, uri);
        if (operation.equals("$validate")) {
            return validated(type, null, body, headers, uri, options);
        }
        if (type.equals("CarePlan") && operation.equals("$generate")) {
            IncomingResources.Incoming parsed = incoming.parse(body, contentType(headers));
            incoming.requireValid(parsed.text());
            if (GenerateCarePlanOperation.persistRequested(parsed, uri.getQueryParameters().getFirst("persist"))) {
                return writer.respond(200, generateOperation.generateAndStore(parsed, baseUrl(uri)), options).build();
            }
            return writer.respond(200, generateOperation.generate(generateOperation.request(parsed)), options).build();
        }
        throw unknownOperation(type, operation);
    }

    @POST
    @Path(TYPE + "/" + ID + "/{operation: (\\$|%24)[A-Za-z][A-Za-z0-9\\-]*}")
    public Response instanceOperation(@PathParam("type") String type, @PathParam("id") String id,
            @PathParam("operation") String operation, byte[] body, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        types.requireKnown(type);
        ResponseOptions options = options(headers, uri);
        if (operation.equals("$validate")) {
            return validated(type, id, body, headers, uri, options);
        }
        if (type.equals("Patient") && operation.equals("$everything")) {
            return everything(id, body, headers, uri, options);
        }
        if (type.equals("PlanDefinition") && operation.equals("$apply")) {
            Parameters parameters = new Parameters();
            if (body != null && body.length > 0) {
                IncomingResources.Incoming parsed = incoming.parse(body, contentType(headers));
                if (!(parsed.resource() instanceof Parameters given)) {
                    throw new InvalidRequestException("$apply takes a Parameters body");
                }
                incoming.requireValid(parsed.text());
                parameters = given;
            }
            for (String name : new String[] {"subject", "encounter", "practitioner", "organization"}) {
                String value = uri.getQueryParameters().getFirst(name);
                if (value != null && parameters.getParameter(name) == null) {
                    parameters.addParameter(name, new StringType(value));
                }
            }
            return writer.respond(200, applyOperation.apply(id, parameters), options).build();
        }
        throw unknownOperation(type, operation);
    }

    /**
     * Operations that change nothing ({@code $apply}, {@code $everything}) may also be invoked with GET and query
     * parameters.
     */
    @GET
    @Path(TYPE + "/" + ID + "/{operation: (\\$|%24)[A-Za-z][A-Za-z0-9\\-]*}")
    public Response instanceOperationByGet(@PathParam("type") String type, @PathParam("id") String id,
            @PathParam("operation") String operation, @Context HttpHeaders headers, @Context UriInfo uri) {
        if (!operation.equals("$apply") && !operation.equals("$everything")) {
            throw new ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException(operation + " must be invoked with POST",
                    ca.uhn.fhir.rest.api.RequestTypeEnum.POST);
        }
        return instanceOperation(type, id, operation, null, headers, uri);
    }

    /**
     * {@code Patient/[id]/$everything}: refused as a read of the patient would be (404, 410), then one page of her
     * record. A POST may give the parameters in a Parameters body as well as in the query.
     */
    private Response everything(String id, byte[] body, HttpHeaders headers, UriInfo uri, ResponseOptions options) {
        access.checkRead(resources.read("Patient", id));
        Map<String, List<String>> parameters = new LinkedHashMap<>(uri.getQueryParameters());
        if (body != null && body.length > 0) {
            IncomingResources.Incoming parsed = incoming.parse(body, contentType(headers));
            if (!(parsed.resource() instanceof Parameters given)) {
                throw new InvalidRequestException("$everything takes a Parameters body");
            }
            for (Parameters.ParametersParameterComponent parameter : given.getParameter()) {
                if (parameter.getName() == null || parameter.getName().isBlank()) {
                    throw new InvalidRequestException("Every $everything parameter needs a name");
                }
                if (!(parameter.getValue() instanceof org.hl7.fhir.r4.model.PrimitiveType<?> value)) {
                    throw new InvalidRequestException("The $everything parameter '"
                            + ContentNegotiation.sanitize(parameter.getName()) + "' needs a value");
                }
                parameters.computeIfAbsent(parameter.getName(), k -> new java.util.ArrayList<>())
                        .add(value.getValueAsString());
            }
        }
        UnparsedBundle page = everything.page(new PatientEverything.Request(id, parameters, baseUrl(uri)));
        return Response.ok(encodeBundle(page, options)).type(options.contentType()).build();
    }

    private Response validated(String type, String id, byte[] body, HttpHeaders headers, UriInfo uri,
            ResponseOptions options) {
        IncomingResources.Incoming parsed = body == null || body.length == 0 ? null
                : incoming.parse(body, contentType(headers));
        return writer.respond(200, validateOperation.validate(type, id, parsed, uri.getQueryParameters()), options)
                .build();
    }

    private static InvalidRequestException unknownOperation(String type, String operation) {
        return new InvalidRequestException("Operation " + ContentNegotiation.sanitize(operation) + " is not "
                + "supported on " + type + ": see the CapabilityStatement for the operations this server has");
    }

    // ---------------------------------------------------------------- transaction, batch and patch

    @jakarta.inject.Inject
    health.ductcare.service.BundleService bundles;

    @jakarta.inject.Inject
    health.ductcare.service.PatchService patches;

    /** transaction and batch (http.html#transaction): the response Bundle mirrors the request's entries. */
    @POST
    public Response transactionOrBatch(byte[] body, @Context HttpHeaders headers, @Context UriInfo uri) {
        ResponseOptions options = options(headers, uri);
        var returnContent = health.ductcare.service.BundleService.ReturnContent.valueOf(
                FhirHeaders.returnPreference(headers).name());
        Bundle response = bundles.process(body, contentType(headers),
                new health.ductcare.service.BundleService.BundleOptions(baseUrl(uri), returnContent));
        return writer.respond(200, response, options).build();
    }

    /** patch (http.html#patch): JSON Patch or FHIRPath Patch, stored as a new version. */
    @jakarta.ws.rs.PATCH
    @Path(TYPE + "/" + ID)
    public Response patch(@PathParam("type") String type, @PathParam("id") String id, byte[] body,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        types.requireKnown(type);
        ResponseOptions options = options(headers, uri);
        Integer expectedVersion = FhirHeaders.ifMatchVersion(headers);
        var patch = patches.read(body, contentType(headers));
        return writeResponse(patches.patch(type, id, patch, expectedVersion), headers, uri, options);
    }
}
