package health.ductcare.search;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One index table: its value columns (after {@code res_pid, res_type, param}), how a row binds to and reads
 * from them, and which rows of an extraction belong to it.
 */
final class IndexTable<R extends IndexTable.Row> {

    interface Row {
        String param();
    }

    record TokenRow(String param, String system, String code, String display) implements Row {
    }

    record StringRow(String param, String normalized, String exact) implements Row {
    }

    record DateRow(String param, long low, long high) implements Row {
    }

    record ReferenceRow(String param, String targetType, String targetId, String url) implements Row {
    }

    record QuantityRow(String param, BigDecimal amount, String system, String code) implements Row {
    }

    record NumberRow(String param, BigDecimal amount) implements Row {
    }

    record UriRow(String param, String uri) implements Row {
    }

    @FunctionalInterface
    private interface Binder<R> {
        void bind(PreparedStatement statement, R row) throws SQLException;
    }

    @FunctionalInterface
    private interface Reader<R> {
        R read(String param, ResultSet result) throws SQLException;
    }

    static final IndexTable<TokenRow> TOKEN = new IndexTable<>("idx_token", List.of("sys", "code", "display"),
            rows -> rows.tokens,
            (statement, row) -> {
                text(statement, 4, row.system());
                text(statement, 5, row.code());
                text(statement, 6, row.display());
            },
            (param, result) -> new TokenRow(param, result.getString(2), result.getString(3), result.getString(4)),
            UnaryOperator.identity());

    static final IndexTable<StringRow> STRING = new IndexTable<>("idx_string", List.of("value_norm", "value_exact"),
            rows -> rows.strings,
            (statement, row) -> {
                statement.setString(4, row.normalized());
                statement.setString(5, row.exact());
            },
            (param, result) -> new StringRow(param, result.getString(2), result.getString(3)),
            UnaryOperator.identity());

    static final IndexTable<DateRow> DATE = new IndexTable<>("idx_date", List.of("low_ms", "high_ms"),
            rows -> rows.dates,
            (statement, row) -> {
                statement.setLong(4, row.low());
                statement.setLong(5, row.high());
            },
            (param, result) -> new DateRow(param, result.getLong(2), result.getLong(3)),
            UnaryOperator.identity());

    static final IndexTable<ReferenceRow> REFERENCE = new IndexTable<>("idx_reference",
            List.of("target_type", "target_id", "target_url"),
            rows -> rows.references,
            (statement, row) -> {
                text(statement, 4, row.targetType());
                text(statement, 5, row.targetId());
                text(statement, 6, row.url());
            },
            (param, result) -> new ReferenceRow(param, result.getString(2), result.getString(3), result.getString(4)),
            UnaryOperator.identity());

    static final IndexTable<QuantityRow> QUANTITY = new IndexTable<>("idx_quantity", List.of("amount", "sys", "code"),
            rows -> rows.quantities,
            (statement, row) -> {
                statement.setBigDecimal(4, row.amount());
                text(statement, 5, row.system());
                text(statement, 6, row.code());
            },
            (param, result) -> new QuantityRow(param, result.getBigDecimal(2), result.getString(3),
                    result.getString(4)),
            row -> new QuantityRow(row.param(), comparable(row.amount()), row.system(), row.code()));

    static final IndexTable<NumberRow> NUMBER = new IndexTable<>("idx_number", List.of("amount"),
            rows -> rows.numbers,
            (statement, row) -> statement.setBigDecimal(4, row.amount()),
            (param, result) -> new NumberRow(param, result.getBigDecimal(2)),
            row -> new NumberRow(row.param(), comparable(row.amount())));

    static final IndexTable<UriRow> URI = new IndexTable<>("idx_uri", List.of("uri"),
            rows -> rows.uris,
            (statement, row) -> statement.setString(4, row.uri()),
            (param, result) -> new UriRow(param, result.getString(2)),
            UnaryOperator.identity());

    static final List<IndexTable<?>> ALL = List.of(TOKEN, STRING, DATE, REFERENCE, QUANTITY, NUMBER, URI);

    private final String name;
    private final Function<SearchIndexer.Rows, Set<R>> rowsOf;
    private final Binder<R> binder;
    private final Reader<R> reader;
    /** What two rows must agree on to be the same row: the database may give a decimal back in another scale. */
    private final UnaryOperator<R> comparable;
    private final String insertSql;
    private final String selectSql;
    private final String deleteSql;

    private IndexTable(String name, List<String> valueColumns, Function<SearchIndexer.Rows, Set<R>> rowsOf,
            Binder<R> binder, Reader<R> reader, UnaryOperator<R> comparable) {
        this.name = name;
        this.rowsOf = rowsOf;
        this.binder = binder;
        this.reader = reader;
        this.comparable = comparable;
        String columns = String.join(", ", valueColumns);
        this.insertSql = "INSERT INTO " + name + " (res_pid, res_type, param, " + columns + ") VALUES (?, ?, ?"
                + ", ?".repeat(valueColumns.size()) + ")";
        this.selectSql = "SELECT param, " + columns + " FROM " + name + " WHERE res_pid = ?";
        this.deleteSql = "DELETE FROM " + name + " WHERE res_pid = ?";
    }

    String name() {
        return name;
    }

    void insert(Connection connection, long pid, String type, SearchIndexer.Rows rows) throws SQLException {
        Set<R> wanted = rowsOf.apply(rows);
        if (wanted.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(insertSql)) {
            for (R row : wanted) {
                insert.setLong(1, pid);
                insert.setString(2, type);
                insert.setString(3, row.param());
                binder.bind(insert, row);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Makes this table hold exactly the rows of {@code rows} for {@code pid}, and writes nothing when it does
     * already: a new version of a resource mostly keeps its index values, and a write that is not needed still
     * costs the store its pages.
     */
    void replace(Connection connection, long pid, String type, SearchIndexer.Rows rows) throws SQLException {
        Set<R> existing = existing(connection, pid);
        Set<R> wanted = rowsOf.apply(rows);
        if (existing.equals(comparableSet(wanted))) {
            return;
        }
        if (!existing.isEmpty()) {
            delete(connection, pid);
        }
        insert(connection, pid, type, rows);
    }

    void delete(Connection connection, long pid) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(deleteSql)) {
            delete.setLong(1, pid);
            delete.executeUpdate();
        }
    }

    private Set<R> existing(Connection connection, long pid) throws SQLException {
        Set<R> existing = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement(selectSql)) {
            select.setLong(1, pid);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    existing.add(comparable.apply(reader.read(result.getString(1), result)));
                }
            }
        }
        return existing;
    }

    private Set<R> comparableSet(Set<R> rows) {
        Set<R> comparableRows = new HashSet<>();
        for (R row : rows) {
            comparableRows.add(comparable.apply(row));
        }
        return comparableRows;
    }

    private static BigDecimal comparable(BigDecimal amount) {
        return amount == null ? null : amount.stripTrailingZeros();
    }

    private static void text(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
