package health.ductcare.fhir;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Writes a searchset or history {@link UnparsedBundle} as compact JSON with Jackson, the stored JSON of each
 * resource copied in as it is: the very text HAPI's JSON encoder gives for the Bundle with those resources parsed
 * (HAPI writes with Jackson too, with its default escaping), without parsing them. It writes the elements such a
 * Bundle has, in HAPI's order: resourceType, type, total, link (relation, url), entry (fullUrl, resource, search
 * (mode), request (method, url), response (status, etag, lastModified)); a Bundle with any other element is
 * {@linkplain #writable not writable} here. A resource set on an entry (a search's OperationOutcome) is encoded by
 * HAPI.
 */
final class StoredBundleJson {

    private static final JsonFactory JSON = new JsonFactory();

    private StoredBundleJson() {
    }

    /** Whether the Bundle has only the elements {@link #write} writes. */
    static boolean writable(Bundle bundle) {
        if (bundle.hasId() || bundle.hasMeta() || bundle.hasImplicitRules() || bundle.hasLanguage()
                || bundle.hasIdentifier() || bundle.hasTimestamp() || bundle.hasSignature()) {
            return false;
        }
        for (Bundle.BundleLinkComponent link : bundle.getLink()) {
            if (link.hasId() || link.hasExtension() || link.hasModifierExtension()) {
                return false;
            }
        }
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.hasId() || entry.hasExtension() || entry.hasModifierExtension() || entry.hasLink()) {
                return false;
            }
            if (entry.hasSearch() && !plain(entry.getSearch())) {
                return false;
            }
            if (entry.hasRequest() && !plain(entry.getRequest())) {
                return false;
            }
            if (entry.hasResponse() && !plain(entry.getResponse())) {
                return false;
            }
        }
        return true;
    }

    private static boolean plain(Bundle.BundleEntrySearchComponent search) {
        return !search.hasId() && !search.hasExtension() && !search.hasModifierExtension() && !search.hasScore();
    }

    private static boolean plain(Bundle.BundleEntryRequestComponent request) {
        return !request.hasId() && !request.hasExtension() && !request.hasModifierExtension()
                && !request.hasIfNoneMatch() && !request.hasIfModifiedSince() && !request.hasIfMatch()
                && !request.hasIfNoneExist();
    }

    private static boolean plain(Bundle.BundleEntryResponseComponent response) {
        return !response.hasId() && !response.hasExtension() && !response.hasModifierExtension()
                && !response.hasLocation() && !response.hasOutcome();
    }

    /** The Bundle as JSON; {@code encoder} writes the resources set on entries. Call only when {@link #writable}. */
    static String write(UnparsedBundle unparsed, IParser encoder) {
        Bundle bundle = unparsed.skeleton();
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        int size = unparsed.size();
        long length = 256L + 160L * size;
        for (int i = 0; i < size; i++) {
            String stored = unparsed.storedJson(i);
            length += stored == null ? 0 : stored.length();
        }
        StringWriter text = new StringWriter((int) Math.min(length, Integer.MAX_VALUE - 64));
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("resourceType", "Bundle");
            if (bundle.hasType()) {
                json.writeStringField("type", bundle.getTypeElement().getValueAsString());
            }
            if (bundle.hasTotal()) {
                json.writeNumberField("total", bundle.getTotal());
            }
            if (bundle.hasLink()) {
                json.writeArrayFieldStart("link");
                for (Bundle.BundleLinkComponent link : bundle.getLink()) {
                    json.writeStartObject();
                    writeString(json, "relation", link.getRelation());
                    writeString(json, "url", link.getUrl());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            if (bundle.hasEntry()) {
                json.writeArrayFieldStart("entry");
                for (int i = 0; i < size; i++) {
                    writeEntry(json, entries.get(i), unparsed.storedJson(i), encoder);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void writeEntry(JsonGenerator json, Bundle.BundleEntryComponent entry, String stored,
            IParser encoder) throws IOException {
        json.writeStartObject();
        writeString(json, "fullUrl", entry.getFullUrl());
        if (stored != null) {
            json.writeFieldName("resource");
            json.writeRawValue(stored);
        } else if (entry.hasResource()) {
            json.writeFieldName("resource");
            json.writeRawValue(encoder.encodeResourceToString(entry.getResource()));
        }
        if (entry.hasSearch()) {
            json.writeObjectFieldStart("search");
            writeString(json, "mode", entry.getSearch().getModeElement().getValueAsString());
            json.writeEndObject();
        }
        if (entry.hasRequest()) {
            Bundle.BundleEntryRequestComponent request = entry.getRequest();
            json.writeObjectFieldStart("request");
            writeString(json, "method", request.getMethodElement().getValueAsString());
            writeString(json, "url", request.getUrl());
            json.writeEndObject();
        }
        if (entry.hasResponse()) {
            Bundle.BundleEntryResponseComponent response = entry.getResponse();
            json.writeObjectFieldStart("response");
            writeString(json, "status", response.getStatus());
            writeString(json, "etag", response.getEtag());
            writeString(json, "lastModified", response.getLastModifiedElement().getValueAsString());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    /** As HAPI: an empty value is no element. */
    private static void writeString(JsonGenerator json, String name, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            json.writeStringField(name, value);
        }
    }
}
