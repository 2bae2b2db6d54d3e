package health.ductcare.service;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.ductcare.fhir.ContentNegotiation;
import health.ductcare.fhir.FhirFormat;
import health.ductcare.fhir.HttpStatusException;
import health.ductcare.fhir.IncomingResources;
import health.ductcare.patch.FhirPathPatcher;
import health.ductcare.patch.JsonPatcher;
import health.ductcare.store.StoredResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Parameters;

/**
 * The patch interaction (http.html#patch): JSON Patch ({@code application/json-patch+json}) and FHIRPath Patch
 * (a Parameters resource in FHIR JSON or XML). The patched resource must still be valid R4 (422) and keep its
 * type and id (400); it is stored as a new version with method PATCH, under the row lock of the current one.
 */
@ApplicationScoped
public class PatchService {

    public static final String JSON_PATCH_MEDIA_TYPE = "application/json-patch+json";

    private final FhirContext context;
    private final ResourceService resources;
    private final IncomingResources incoming;
    private final FhirPathPatcher fhirPathPatcher;

    public PatchService(FhirContext context, ResourceService resources, IncomingResources incoming) {
        this.context = context;
        this.resources = resources;
        this.incoming = incoming;
        this.fhirPathPatcher = new FhirPathPatcher(context);
    }

    /** A patch document, read and checked, not yet applied. */
    public sealed interface Patch permits JsonPatchDocument, FhirPathPatchDocument {
    }

    public record JsonPatchDocument(JsonArray operations) implements Patch {
    }

    public record FhirPathPatchDocument(Parameters parameters) implements Patch {
    }

    /** Reads a PATCH request body by its media type: 415 for anything but JSON Patch and FHIR JSON/XML. */
    public Patch read(byte[] body, String contentType) {
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (mediaType.equals(JSON_PATCH_MEDIA_TYPE)) {
            if (body == null || body.length == 0) {
                throw new InvalidRequestException("The request has no body: a JSON Patch document is required");
            }
            return new JsonPatchDocument(JsonPatcher.parse(new String(body, StandardCharsets.UTF_8)));
        }
        if (FhirFormat.fromMediaType(mediaType).isEmpty()) {
            throw new HttpStatusException(415, "Unsupported patch Content-Type '" + ContentNegotiation.sanitize(mediaType)
                    + "': send application/json-patch+json or a FHIRPath Patch Parameters resource as"
                    + " application/fhir+json or application/fhir+xml");
        }
        return fromResource(incoming.parse(body, contentType).resource());
    }

    /**
     * The patch a transaction or batch entry carries: a Parameters resource (FHIRPath Patch) or a Binary holding
     * a JSON Patch (http.html#patch, "JSON Patch in transactions").
     */
    public Patch fromResource(IBaseResource resource) {
        if (resource instanceof Parameters parameters) {
            return new FhirPathPatchDocument(parameters);
        }
        if (resource instanceof Binary binary && binary.getContentType() != null
                && binary.getContentType().split(";", 2)[0].trim().equalsIgnoreCase(JSON_PATCH_MEDIA_TYPE)) {
            if (!binary.hasData()) {
                throw new InvalidRequestException("The Binary carrying the JSON Patch has no data");
            }
            return new JsonPatchDocument(JsonPatcher.parse(new String(binary.getData(), StandardCharsets.UTF_8)));
        }
        throw new InvalidRequestException("A patch is a FHIRPath Patch Parameters resource or a JSON Patch"
                + " (as a Binary with contentType " + JSON_PATCH_MEDIA_TYPE + " inside a Bundle), not a "
                + (resource == null ? "missing resource" : context.getResourceType(resource)));
    }

    /** Applies the patch to the current version of {@code type/id}: 404, 410, 412 (If-Match), 400, 422. */
    public WriteResult patch(String type, String id, Patch patch, Integer expectedVersion) {
        return resources.patch(type, id, expectedVersion, current -> apply(current, patch));
    }

    private IBaseResource apply(StoredResource current, Patch patch) {
        IBaseResource patched;
        if (patch instanceof JsonPatchDocument json) {
            String text = JsonPatcher.apply(json.operations(), current.json());
            // The patched text is validated as it is, so elements a patch invents are reported, not dropped.
            incoming.requireValid(text);
            patched = incoming.parse(text.getBytes(StandardCharsets.UTF_8), FhirFormat.JSON.fhirMediaType())
                    .resource();
        } else {
            patched = context.newJsonParser().parseResource(current.json());
            fhirPathPatcher.apply(patched, ((FhirPathPatchDocument) patch).parameters());
            incoming.requireValid(patched);
        }
        String patchedType = context.getResourceType(patched);
        String patchedId = patched.getIdElement().getIdPart();
        if (!current.type().equals(patchedType) || !current.id().equals(patchedId)) {
            throw new InvalidRequestException("A patch may not change the resource type or id of "
                    + current.type() + "/" + current.id());
        }
        return patched;
    }
}
