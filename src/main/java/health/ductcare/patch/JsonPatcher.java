package health.ductcare.patch;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import health.ductcare.fhir.ContentNegotiation;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonPatch;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Set;

/**
 * JSON Patch (RFC 6902) on the FHIR JSON of a resource, with the JSON-P implementation Quarkus ships (Parsson).
 * A document that is not a JSON Patch is a 400; operations that cannot be applied (a missing path, a failed
 * {@code test}) are a 422, as RFC 5789 section 2.2 suggests.
 */
public final class JsonPatcher {

    private static final Set<String> OPERATIONS = Set.of("add", "remove", "replace", "move", "copy", "test");

    private JsonPatcher() {
    }

    /** Reads and checks a JSON Patch document: an array of objects, each with a known {@code op} and a {@code path}. */
    public static JsonArray parse(String document) {
        JsonArray operations;
        try (JsonReader reader = Json.createReader(new StringReader(document))) {
            operations = reader.readArray();
        } catch (JsonException | IllegalStateException e) {
            throw new InvalidRequestException("The body is not a JSON Patch document: a JSON array of operations"
                    + " is expected");
        }
        for (int i = 0; i < operations.size(); i++) {
            JsonValue value = operations.get(i);
            if (!(value instanceof JsonObject operation)
                    || !(operation.get("op") instanceof JsonString op) || !OPERATIONS.contains(op.getString())
                    || !(operation.get("path") instanceof JsonString)) {
                throw new InvalidRequestException("JSON Patch operation " + (i + 1) + " needs an 'op' (add, remove,"
                        + " replace, move, copy or test) and a 'path'");
            }
        }
        return operations;
    }

    /** Applies the operations to the resource's JSON and returns the patched JSON text. */
    public static String apply(JsonArray operations, String resourceJson) {
        JsonPatch patch = Json.createPatch(operations);
        JsonObject target;
        try (JsonReader reader = Json.createReader(new StringReader(resourceJson))) {
            target = reader.readObject();
        }
        try {
            JsonStructure patched = patch.apply(target);
            return patched.toString();
        } catch (JsonException e) {
            throw new UnprocessableEntityException("The JSON Patch cannot be applied: "
                    + ContentNegotiation.sanitize(String.valueOf(e.getMessage())));
        }
    }
}
