package health.ductcare.reliability;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Generated hostile request bodies: each a valid seed resource broken in one way the issue lists (truncated,
 * malformed, wrong types, unknown elements, wrong resourceType, invalid dates and codes, broken references,
 * duplicate keys, huge strings, deep nesting, control characters, invalid UTF-8, empty bodies, wrong content
 * types, Bundles with broken fullUrls), in JSON and XML. Every one of them must be refused with a 4xx.
 */
final class BadInputs {

    static final List<String> SEED_TYPES = List.of("Patient", "Condition", "MedicationRequest", "Observation",
            "Bundle");
    static final String FHIR_JSON = "application/fhir+json";
    static final String FHIR_XML = "application/fhir+xml";

    /** One broken body, before it is aimed at an endpoint. */
    record Mutation(String category, String name, String contentType, byte[] body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<String, String> DATE_FIELDS = Map.of("Patient", "birthDate", "Condition",
            "recordedDate", "MedicationRequest", "authoredOn", "Observation", "effectiveDateTime", "Bundle",
            "timestamp");
    private static final Map<String, String> REQUIRED_CODE_FIELDS = Map.of("Patient", "gender",
            "MedicationRequest", "status", "Observation", "status", "Bundle", "type");

    private final FhirContext context;

    BadInputs(FhirContext context) {
        this.context = context;
    }

    static String seedJson(String type) {
        try (InputStream in = BadInputs.class.getResourceAsStream("/reliability/seeds/" + type + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The seed as a JSON tree, with {@code id} set when the mutation is aimed at an update. */
    static ObjectNode seedTree(String type, String id) {
        try {
            ObjectNode tree = (ObjectNode) JSON.readTree(seedJson(type));
            if (id != null) {
                ObjectNode withId = NODES.objectNode();
                withId.set("resourceType", tree.get("resourceType"));
                withId.put("id", id);
                tree.fields().forEachRemaining(field -> {
                    if (!field.getKey().equals("resourceType")) {
                        withId.set(field.getKey(), field.getValue());
                    }
                });
                return withId;
            }
            return tree;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Mutation> jsonMutations(String type, String id) {
        List<Mutation> out = new ArrayList<>();
        String text = seedTree(type, id).toString();

        // truncated
        for (int cut : new int[] {1, text.length() / 3, text.length() / 2, text.length() - 1}) {
            out.add(json("truncated", "cut at " + cut + " of " + text.length(), text.substring(0, cut)));
        }
        // malformed
        out.add(json("malformed", "trailing comma", text.substring(0, text.length() - 1) + ",}"));
        out.add(json("malformed", "single quotes", text.replace('"', '\'')));
        out.add(json("malformed", "unquoted key", text.replaceFirst("\"resourceType\"", "resourceType")));
        out.add(json("malformed", "comment", "{/* note */" + text.substring(1)));
        out.add(json("malformed", "garbage prefix", "xx" + text));
        out.add(json("malformed", "garbage suffix", text + "}}"));
        out.add(json("malformed", "NaN value", text.substring(0, text.length() - 1) + ",\"active\":NaN}"));
        out.add(json("malformed", "missing colon", text.replaceFirst("\"resourceType\":", "\"resourceType\" ")));
        out.add(json("malformed", "top-level null", "null"));
        out.add(json("malformed", "top-level array", "[" + text + "]"));
        out.add(json("malformed", "top-level string", "\"" + type + "\""));
        out.add(json("malformed", "top-level number", "42"));
        // wrong JSON types for the seed's top-level elements
        ObjectNode seed = seedTree(type, id);
        for (Iterator<String> names = seed.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (field.equals("resourceType") || field.equals("id")) {
                continue;
            }
            JsonNode value = seed.get(field);
            if (value.isTextual()) {
                out.add(mutated("wrong-type", field + " as number", type, id, t -> t.put(field, 42)));
                out.add(mutated("wrong-type", field + " as object", type, id,
                        t -> t.set(field, NODES.objectNode().put("value", value.asText()))));
            } else if (value.isBoolean()) {
                out.add(mutated("wrong-type", field + " as string", type, id, t -> t.put(field, "yes")));
                out.add(mutated("wrong-type", field + " as number", type, id, t -> t.put(field, 1)));
            } else if (value.isArray()) {
                out.add(mutated("wrong-type", field + " as string", type, id, t -> t.put(field, "scalar")));
                out.add(mutated("wrong-type", field + " as bare object", type, id, t -> t.set(field, value.get(0))));
            } else if (value.isObject()) {
                out.add(mutated("wrong-type", field + " as string", type, id, t -> t.put(field, "text")));
                out.add(mutated("wrong-type", field + " as array", type, id,
                        t -> t.set(field, NODES.arrayNode().add(value))));
            }
        }
        // unknown elements
        out.add(mutated("unknown-element", "root bogusElement", type, id, t -> t.put("bogusElement", "x")));
        out.add(mutated("unknown-element", "root _bogus primitive extension", type, id,
                t -> t.set("_bogus", NODES.objectNode().put("id", "x"))));
        out.add(mutated("unknown-element", "nested bogus in meta", type, id,
                t -> t.set("meta", NODES.objectNode().put("bogus", "x"))));
        out.add(mutated("unknown-element", "modifierExtension without url", type, id,
                t -> t.set("modifierExtension", NODES.arrayNode().add(NODES.objectNode().put("valueString", "x")))));
        // wrong resourceType
        out.add(mutated("wrong-resourceType", "unknown type", type, id, t -> t.put("resourceType", "Banana")));
        out.add(mutated("wrong-resourceType", "lower case", type, id,
                t -> t.put("resourceType", type.toLowerCase(java.util.Locale.ROOT))));
        out.add(mutated("wrong-resourceType", "missing", type, id, t -> t.remove("resourceType")));
        out.add(mutated("wrong-resourceType", "number", type, id, t -> t.put("resourceType", 7)));
        out.add(mutated("wrong-resourceType", "another type", type, id,
                t -> t.put("resourceType", type.equals("Patient") ? "Observation" : "Patient")));
        // invalid dates
        String dateField = DATE_FIELDS.get(type);
        for (String bad : List.of("2020-13-01", "2021-02-30", "yesterday", "2020-01-01T25:61:00Z",
                "2020-01-01T10:00:00", "", "20200101", "2020-1-1")) {
            out.add(mutated("invalid-date", dateField + "='" + bad + "'", type, id, t -> t.put(dateField, bad)));
        }
        // invalid codes from required bindings
        for (String bad : List.of("not-a-code", "", "ACTIVE")) {
            if (type.equals("Condition")) {
                out.add(mutated("invalid-code", "clinicalStatus='" + bad + "'", type, id,
                        t -> ((ObjectNode) t.get("clinicalStatus").get("coding").get(0)).put("code", bad)));
            } else {
                String codeField = REQUIRED_CODE_FIELDS.get(type);
                out.add(mutated("invalid-code", codeField + "='" + bad + "'", type, id, t -> t.put(codeField, bad)));
            }
        }
        // broken references
        for (Map.Entry<String, JsonNode> broken : brokenReferences().entrySet()) {
            out.add(mutated("broken-reference", broken.getKey(), type, id, t -> setReference(type, t, broken.getValue())));
        }
        // duplicate keys
        out.add(json("duplicate-key", "resourceType twice", "{\"resourceType\":\"Banana\"," + text.substring(1)));
        out.add(json("duplicate-key", "first element twice, other value", duplicateFirstElement(type, id)));
        // huge strings
        String huge = "a".repeat(1_200_000);
        out.add(mutated("huge-string", "string of 1.2M chars (FHIR allows 1M)", type, id,
                t -> t.set("extension", NODES.arrayNode().add(NODES.objectNode()
                        .put("url", "http://example.org/long").put("valueString", huge)))));
        out.add(mutated("huge-string", "id of 100k chars", type, id, t -> t.put("id", "b".repeat(100_000))));
        out.add(mutated("huge-string", "body of 12 MB (over the size limit)", type, id,
                t -> t.set("extension", NODES.arrayNode().add(NODES.objectNode()
                        .put("url", "http://example.org/big").put("valueString", "c".repeat(12_000_000))))));
        // deep nesting
        out.add(json("deep-nesting", "extensions nested 300 deep, innermost empty",
                withRawField(text, "extension", nestedExtensions(300))));
        out.add(json("deep-nesting", "extensions nested 60 deep, innermost empty",
                withRawField(text, "extension", nestedExtensions(60))));
        out.add(json("deep-nesting", "extensions nested 5000 deep", withRawField(text, "extension",
                nestedExtensions(5000))));
        out.add(json("deep-nesting", "arrays nested 100000 deep", withRawField(text, "bogus",
                "[".repeat(100_000) + "]".repeat(100_000))));
        out.add(json("deep-nesting", "objects nested 100000 deep", withRawField(text, "bogus",
                "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000))));
        // control characters
        out.add(json("control-characters", "raw U+0001 in a string", insertIntoFirstString(text, "\u0001")));
        out.add(json("control-characters", "raw NUL between tokens", text.replaceFirst(",", ",\u0000")));
        out.add(json("control-characters", "escaped \\u0000 in a string", insertIntoFirstString(text, "\\u0000")));
        out.add(json("control-characters", "escaped \\u0007 in a string", insertIntoFirstString(text, "\\u0007")));
        // invalid UTF-8
        for (Map.Entry<String, byte[]> bytes : invalidUtf8().entrySet()) {
            out.add(new Mutation("invalid-utf8", bytes.getKey(), FHIR_JSON, spliceIntoFirstString(text,
                    bytes.getValue())));
        }
        out.add(new Mutation("invalid-utf8", "UTF-16 body declared as UTF-8", FHIR_JSON + ";charset=utf-8",
                text.getBytes(StandardCharsets.UTF_16)));
        // empty bodies
        out.add(new Mutation("empty-body", "no bytes", FHIR_JSON, new byte[0]));
        out.add(json("empty-body", "whitespace", "  \n\t "));
        out.add(json("empty-body", "empty object", "{}"));
        out.add(json("empty-body", "resourceType only", "{\"resourceType\":\"" + type + "\"" + (id == null ? ""
                : ",\"id\":\"" + id + "\"") + ",\"text\":{}}"));
        // wrong content types
        byte[] valid = text.getBytes(StandardCharsets.UTF_8);
        for (String contentType : List.of("text/plain", "application/octet-stream", "image/png",
                "multipart/form-data; boundary=xyz", "application/fhir+json; charset=no-such-charset",
                "application/fhir+xml", "application/x-www-form-urlencoded", "application/fhir+turtle")) {
            out.add(new Mutation("wrong-content-type", contentType, contentType, valid));
        }
        if (type.equals("Bundle")) {
            out.addAll(brokenFullUrls(id));
        }
        return out;
    }

    List<Mutation> xmlMutations(String type, String id) {
        List<Mutation> out = new ArrayList<>();
        String text = context.newXmlParser().encodeResourceToString(
                context.newJsonParser().parseResource(seedTree(type, id).toString()));
        String ns = "xmlns=\"http://hl7.org/fhir\"";
        String rootOpen = "<" + type + " " + ns + ">";
        if (!text.startsWith(rootOpen)) {
            throw new IllegalStateException("Unexpected XML encoding: " + text.substring(0, 60));
        }
        String inner = text.substring(rootOpen.length(), text.length() - ("</" + type + ">").length());

        for (int cut : new int[] {1, text.length() / 2, text.length() - 1}) {
            out.add(xml("truncated", "cut at " + cut + " of " + text.length(), text.substring(0, cut)));
        }
        out.add(xml("malformed", "mismatched close tag", text.replaceFirst("</" + type + ">$", "</Other>")));
        out.add(xml("malformed", "unquoted attribute", text.replaceFirst("value=\"([^\"]*)\"", "value=$1")));
        out.add(xml("malformed", "two roots", text + text));
        out.add(xml("malformed", "angle brackets", "<<<" + text));
        out.add(xml("malformed", "no namespace", text.replace(" " + ns, "")));
        out.add(xml("malformed", "wrong namespace", text.replace(ns, "xmlns=\"http://example.org/not-fhir\"")));
        out.add(xml("malformed", "text content instead of value attribute",
                text.replaceFirst("<(\\w+) value=\"([^\"]*)\"/>", "<$1>$2</$1>")));
        out.add(xml("wrong-resourceType", "unknown root", "<Banana " + ns + ">" + inner + "</Banana>"));
        String other = type.equals("Patient") ? "Observation" : "Patient";
        out.add(xml("wrong-resourceType", "another type", "<" + other + " " + ns + ">" + inner + "</" + other + ">"));
        out.add(xml("unknown-element", "bogus first child", rootOpen + "<bogus value=\"x\"/>" + inner + "</" + type + ">"));
        out.add(xml("unknown-element", "bogus attribute", text.replaceFirst("value=\"", "bogus=\"1\" value=\"")));
        out.add(xml("wrong-type", "element repeated that may occur once",
                rootOpen + "<implicitRules value=\"http://a\"/><implicitRules value=\"http://b\"/>" + inner + "</" + type + ">"));
        for (String bad : List.of("2020-13-01", "yesterday", "2020-01-01T10:00:00")) {
            out.add(xml("invalid-date", "first date='" + bad + "'",
                    text.replaceFirst("value=\"\\d{4}-\\d{2}-\\d{2}[^\"]*\"", "value=\"" + bad + "\"")));
        }
        String codeElement = type.equals("Condition") ? "code" : REQUIRED_CODE_FIELDS.get(type);
        String codeValue = type.equals("Condition") ? "active" : seedTree(type, null).get(codeElement).asText();
        out.add(xml("invalid-code", codeElement + "='not-a-code'", text.replaceFirst(
                "<" + codeElement + " value=\"" + java.util.regex.Pattern.quote(codeValue) + "\"/>",
                "<" + codeElement + " value=\"not-a-code\"/>")));
        out.add(xml("empty-element", "element without value or children",
                rootOpen + "<implicitRules/>" + inner + "</" + type + ">"));
        out.add(xml("control-characters", "&#x1; character reference", insertIntoFirstAttribute(text, "&#x1;")));
        out.add(xml("control-characters", "raw U+0001", insertIntoFirstAttribute(text, "\u0001")));
        out.add(xml("control-characters", "raw NUL", insertIntoFirstAttribute(text, "\u0000")));
        for (Map.Entry<String, byte[]> bytes : invalidUtf8().entrySet()) {
            out.add(new Mutation("invalid-utf8", bytes.getKey(), FHIR_XML, spliceIntoFirstAttribute(text,
                    bytes.getValue())));
        }
        out.add(xml("entities", "external entity (XXE)", "<?xml version=\"1.0\"?><!DOCTYPE " + type
                + " [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" + rootOpen
                + "<implicitRules value=\"&xxe;\"/>" + inner + "</" + type + ">"));
        out.add(xml("entities", "entity expansion (billion laughs, bounded)", "<?xml version=\"1.0\"?><!DOCTYPE "
                + type + " [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
                + rootOpen + "<implicitRules value=\"&d;\"/>" + inner + "</" + type + ">"));
        out.add(xml("entities", "undeclared entity", insertIntoFirstAttribute(text, "&nbsp;")));
        out.add(xml("huge-string", "string of 1.2M chars (FHIR allows 1M)", insertAfterMetaAndText(type, rootOpen,
                inner, "<extension url=\"http://example.org/long\"><valueString value=\"" + "a".repeat(1_200_000)
                        + "\"/></extension>")));
        out.add(xml("deep-nesting", "unknown elements nested 100000 deep", rootOpen + "<x>".repeat(100_000)
                + "</x>".repeat(100_000) + inner + "</" + type + ">"));
        out.add(xml("deep-nesting", "extensions nested 300 deep, innermost empty", insertAfterMetaAndText(type,
                rootOpen, inner, "<extension url=\"http://example.org/e\">".repeat(300) + "</extension>".repeat(300))));
        out.add(xml("deep-nesting", "extensions nested 5000 deep", insertAfterMetaAndText(type, rootOpen, inner,
                "<extension url=\"http://example.org/e\">".repeat(5000) + "</extension>".repeat(5000))));
        out.add(new Mutation("empty-body", "no bytes", FHIR_XML, new byte[0]));
        out.add(xml("empty-body", "prolog only", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        out.add(xml("empty-body", "empty root", "<" + type + " " + ns + "/>"));
        out.add(new Mutation("wrong-content-type", "XML body sent as application/fhir+json", FHIR_JSON,
                text.getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    // ------------------------------------------------------------------ pieces

    private static Mutation json(String category, String name, String body) {
        return new Mutation(category, name, FHIR_JSON, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Mutation xml(String category, String name, String body) {
        return new Mutation(category, name, FHIR_XML, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Mutation mutated(String category, String name, String type, String id, Consumer<ObjectNode> edit) {
        ObjectNode tree = seedTree(type, id);
        edit.accept(tree);
        return json(category, name, tree.toString());
    }

    private static Map<String, JsonNode> brokenReferences() {
        Map<String, JsonNode> references = new java.util.LinkedHashMap<>();
        references.put("local reference to no contained resource", NODES.objectNode().put("reference", "#nowhere"));
        references.put("empty Reference object", NODES.objectNode());
        references.put("reference as number", NODES.objectNode().put("reference", 42));
        references.put("empty reference string", NODES.objectNode().put("reference", ""));
        references.put("reference as array", NODES.objectNode().set("reference",
                NODES.arrayNode().add("Patient/p1")));
        references.put("Reference as plain string", NODES.textNode("Patient/p1"));
        return references;
    }

    /** Puts the broken reference where the type has one (Patient: generalPractitioner; Bundle: an entry's subject). */
    private static void setReference(String type, ObjectNode tree, JsonNode reference) {
        switch (type) {
            case "Patient" -> tree.set("generalPractitioner", NODES.arrayNode().add(reference));
            case "Bundle" -> ((ObjectNode) tree.get("entry").get(1).get("resource")).set("subject", reference);
            default -> tree.set("subject", reference);
        }
    }

    private static String duplicateFirstElement(String type, String id) {
        ObjectNode tree = seedTree(type, id);
        String text = tree.toString();
        for (Iterator<Map.Entry<String, JsonNode>> fields = tree.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("resourceType") && !field.getKey().equals("id") && field.getValue().isValueNode()) {
                String duplicate = "\"" + field.getKey() + "\":" + (field.getValue().isTextual()
                        ? "\"" + field.getValue().asText() + "-other\"" : "\"other\"");
                return text.substring(0, text.length() - 1) + "," + duplicate + "}";
            }
        }
        throw new IllegalStateException("No primitive element in seed " + type);
    }

    private static String nestedExtensions(int depth) {
        StringBuilder json = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            json.append("[{\"url\":\"http://example.org/e").append(i).append("\",\"extension\":");
        }
        json.append("[{\"url\":\"http://example.org/innermost\"}]");
        for (int i = 0; i < depth; i++) {
            json.append("}]");
        }
        return json.toString();
    }

    private static String withRawField(String objectText, String name, String rawValue) {
        return objectText.substring(0, objectText.length() - 1) + ",\"" + name + "\":" + rawValue + "}";
    }

    /** Inserts raw text at the start of the first string value after resourceType. */
    private static String insertIntoFirstString(String text, String insert) {
        int afterType = text.indexOf(',');
        int valueStart = text.indexOf(":\"", afterType) + 2;
        return text.substring(0, valueStart) + insert + text.substring(valueStart);
    }

    private static byte[] spliceIntoFirstString(String text, byte[] insert) {
        int afterType = text.indexOf(',');
        int valueStart = text.indexOf(":\"", afterType) + 2;
        return splice(text, valueStart, insert);
    }

    private static String insertIntoFirstAttribute(String text, String insert) {
        int valueStart = text.indexOf("value=\"") + "value=\"".length();
        return text.substring(0, valueStart) + insert + text.substring(valueStart);
    }

    private static byte[] spliceIntoFirstAttribute(String text, byte[] insert) {
        return splice(text, text.indexOf("value=\"") + "value=\"".length(), insert);
    }

    private static byte[] splice(String text, int charIndex, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.substring(0, charIndex).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(insert);
        out.writeBytes(text.substring(charIndex).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static Map<String, byte[]> invalidUtf8() {
        Map<String, byte[]> bytes = new java.util.LinkedHashMap<>();
        bytes.put("lone 0xFF", new byte[] {(byte) 0xFF});
        bytes.put("bad continuation C3 28", new byte[] {(byte) 0xC3, 0x28});
        bytes.put("overlong slash C0 AF", new byte[] {(byte) 0xC0, (byte) 0xAF});
        bytes.put("encoded surrogate ED A0 80", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
        bytes.put("five-byte sequence F8 88 80 80 80", new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80,
                (byte) 0x80, (byte) 0x80});
        bytes.put("truncated sequence E2 82", new byte[] {(byte) 0xE2, (byte) 0x82});
        return bytes;
    }

    /** Extensions go after meta/implicitRules/language/text/contained in XML element order. */
    private static String insertAfterMetaAndText(String type, String rootOpen, String inner, String extensions) {
        return rootOpen + extensions + inner + "</" + type + ">";
    }

    private List<Mutation> brokenFullUrls(String id) {
        List<Mutation> out = new ArrayList<>();
        Map<String, Consumer<ArrayNode>> breaks = new java.util.LinkedHashMap<>();
        breaks.put("fullUrl not a URL", entries -> first(entries).put("fullUrl", "not a url at all"));
        breaks.put("fullUrl urn:uuid not a UUID", entries -> first(entries).put("fullUrl", "urn:uuid:not-a-uuid"));
        breaks.put("fullUrl duplicated", entries -> ((ObjectNode) entries.get(1)).put("fullUrl",
                entries.get(0).get("fullUrl").asText()));
        breaks.put("fullUrl version-specific", entries -> first(entries).put("fullUrl",
                "http://example.org/fhir/Patient/1/_history/1"));
        breaks.put("fullUrl id differs from resource id", entries -> {
            first(entries).put("fullUrl", "http://example.org/fhir/Patient/one");
            ((ObjectNode) first(entries).get("resource")).put("id", "two");
        });
        breaks.put("fullUrl empty", entries -> first(entries).put("fullUrl", ""));
        breaks.put("fullUrl as number", entries -> first(entries).put("fullUrl", 12));
        for (Map.Entry<String, Consumer<ArrayNode>> broken : breaks.entrySet()) {
            ObjectNode tree = seedTree("Bundle", id);
            broken.getValue().accept((ArrayNode) tree.get("entry"));
            out.add(json("bundle-fullUrl", broken.getKey(), tree.toString()));
        }
        return out;
    }

    /** Transaction Bundles with broken fullUrls, for the system endpoint ({@code POST /fhir}). */
    List<Mutation> brokenTransactionBundles() {
        List<Mutation> out = new ArrayList<>();
        for (Mutation mutation : brokenFullUrls(null)) {
            try {
                ObjectNode tree = (ObjectNode) JSON.readTree(mutation.body());
                tree.put("type", "transaction");
                for (JsonNode entry : tree.get("entry")) {
                    String type = entry.get("resource").get("resourceType").asText();
                    ((ObjectNode) entry).set("request", NODES.objectNode().put("method", "POST").put("url", type));
                }
                out.add(json("bundle-fullUrl", "transaction, " + mutation.name(), tree.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static ObjectNode first(ArrayNode entries) {
        return (ObjectNode) entries.get(0);
    }
}
