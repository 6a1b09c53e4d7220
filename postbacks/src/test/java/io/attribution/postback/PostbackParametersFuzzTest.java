package io.attribution.postback;

import io.attribution.avro.ConversionStatus;
import io.attribution.avro.RawPostback;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Property-based fuzzing of the postback parameter rules: whatever an advertiser (or an attacker)
 * sends, {@link PostbackParameters} either reads well-formed values or throws an
 * {@link InvalidParameterException} naming a parameter it knows, never anything else; and what it
 * accepts at the edge it reads the same way from the stored record, as the topology does.
 */
class PostbackParametersFuzzTest {

    /** The canonical names, the only ones an exception may name. */
    private static final Set<String> CANONICAL = Set.of(PostbackParameters.CLICK_ID, PostbackParameters.GOAL_VALUE,
            PostbackParameters.GOAL_ID, PostbackParameters.SALE_AMOUNT, PostbackParameters.REVENUE,
            PostbackParameters.CURRENCY, PostbackParameters.TXN_ID, PostbackParameters.STATUS,
            PostbackParameters.SECURITY_TOKEN, PostbackParameters.CAMPAIGN_ID);

    /** Every name each canonical parameter may arrive under (README's table). */
    private static final Map<String, List<String>> ALIASES = Map.of(
            PostbackParameters.CLICK_ID, List.of("click_id", "clickid", "transaction_id"),
            PostbackParameters.GOAL_VALUE, List.of("goal_value", "goal", "goal_name"),
            PostbackParameters.GOAL_ID, List.of("goal_id", "event_id"),
            PostbackParameters.SALE_AMOUNT, List.of("sale_amount", "amount"),
            PostbackParameters.REVENUE, List.of("revenue"),
            PostbackParameters.CURRENCY, List.of("currency"),
            PostbackParameters.TXN_ID, List.of("txn_id", "order_id", "adv_sub"),
            PostbackParameters.STATUS, List.of("status"),
            PostbackParameters.SECURITY_TOKEN, List.of("security_token", "token"),
            PostbackParameters.CAMPAIGN_ID, List.of("campaign_id", "offer_id", "camp_id"));

    private static final List<String> ALL_KNOWN_NAMES = ALIASES.values().stream().flatMap(List::stream).sorted().toList();
    private static final List<String> ID_PARAMETERS = List.of(PostbackParameters.CLICK_ID, PostbackParameters.GOAL_VALUE,
            PostbackParameters.GOAL_ID, PostbackParameters.TXN_ID, PostbackParameters.CAMPAIGN_ID);
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("999999999999");
    /**
     * Generous, for a loaded machine: a reading takes microseconds. A slow one is a CPU
     * amplification an attacker can repeat at the request rate.
     */
    private static final Duration SLOW = Duration.ofSeconds(1);

    // --- properties ---------------------------------------------------------------------------

    @Property(tries = 300)
    void anythingIsEitherReadWellFormedOrRefusedNamingAKnownParameter(
            @ForAll("hostileParameters") Map<String, List<String>> query,
            @ForAll("hostileParameters") Map<String, List<String>> body) {
        PostbackParameters params = PostbackParameters.of(query, body);

        Optional<InvalidParameterException> refused = validateTimed(params);

        if (refused.isPresent()) {
            // A known parameter, or for a bound the one over it, or all of them.
            Set<String> named = new HashSet<>(CANONICAL);
            named.add(PostbackParameters.PARAMETERS);
            named.addAll(query.keySet());
            named.addAll(body.keySet());
            assertThat(named).as("the parameter named by: %s", refused.get().getMessage())
                    .contains(refused.get().parameter());
            assertThat(refused.get().getMessage()).isNotBlank();
            return;
        }
        assertWellFormed(params);
        // The topology reads the record ingest wrote: it must come to the same reading.
        PostbackParameters stored = PostbackParameters.of(throughAvro(query, body, params.clickId()));
        assertThat(validateTimed(stored)).as("the stored record validates too").isEmpty();
        assertSameReading(stored, params, PostbackParametersFuzzTest::asStored);
    }

    @Property(tries = 200)
    void withoutAClickIdTheClickIdIsNamedMissingWhateverElseIsWrong(
            @ForAll("hostileParameters") Map<String, List<String>> query,
            @ForAll("hostileParameters") Map<String, List<String>> body,
            @ForAll("blankValues") List<String> blanks) {
        Map<String, List<String>> noClick = new LinkedHashMap<>(query);
        ALIASES.get(PostbackParameters.CLICK_ID).forEach(noClick::remove);
        Map<String, List<String>> blankClick = new LinkedHashMap<>(body);
        ALIASES.get(PostbackParameters.CLICK_ID).forEach(blankClick::remove);
        blankClick.put("clickid", blanks);

        assertThatThrownBy(() -> PostbackParameters.of(noClick, blankClick).validate())
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
                    assertThat(e.parameter()).isEqualTo(PostbackParameters.CLICK_ID);
                    assertThat(e.isMissing()).isTrue();
                });
    }

    @Property(tries = 300)
    void wellFormedPostbacksAreReadAsSentUnderAnyAliasFromEitherSource(@ForAll("wellFormedPostbacks") Sent sent) {
        PostbackParameters params = PostbackParameters.of(sent.query(), sent.body());

        assertThat(validateTimed(params)).as("query %s body %s", sent.query(), sent.body()).isEmpty();
        assertThat(params.clickId()).isEqualTo(sent.clickId());
        assertThat(params.goalValue()).isEqualTo(sent.goalValue());
        assertThat(params.txnId()).isEqualTo(sent.txnId());
        assertThat(params.saleAmount().map(BigDecimal::stripTrailingZeros))
                .isEqualTo(sent.saleAmount().map(BigDecimal::stripTrailingZeros));
        assertThat(params.currency()).isEqualTo(sent.currency());
        assertThat(params.status()).isEqualTo(sent.status());
        PostbackParameters stored = PostbackParameters.of(throughAvro(sent.query(), sent.body(), params.clickId()));
        assertSameReading(stored, params, Function.identity());
    }

    @Property(tries = 200)
    void twoDifferentValuesForOneParameterAreMalformedWhateverTheAliasesAndSources(
            @ForAll("conflicts") Conflict conflict) {
        PostbackParameters params = PostbackParameters.of(conflict.query(), conflict.body());

        assertThatThrownBy(() -> read(params, conflict.parameter()))
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
                    assertThat(e.parameter()).isEqualTo(conflict.parameter());
                    assertThat(e.isMissing()).isFalse();
                    assertThat(e.getMessage()).contains("conflicting");
                });
    }

    @Property(tries = 300)
    void amountsAreExactDecimalsWithinRangeOrRefusedNamingTheAmount(@ForAll("amounts") String amount,
                                                                    @ForAll boolean asRevenue) {
        String name = asRevenue ? PostbackParameters.REVENUE : PostbackParameters.SALE_AMOUNT;
        PostbackParameters params = PostbackParameters.of(Map.of("click_id", List.of("c"), name, List.of(amount)),
                Map.of());

        Optional<InvalidParameterException> refused = validateTimed(params);

        if (refused.isPresent()) {
            assertThat(refused.get().parameter()).isEqualTo(name);
            return;
        }
        Optional<BigDecimal> present = asRevenue ? params.revenue() : params.saleAmount();
        if (present.isEmpty()) {
            assertThat(amount).as("only a blank amount is absent").isBlank();
            return;
        }
        BigDecimal read = present.get();
        assertMoney(read);
        // strip() and then trim(): what surrounds the digits may also be control characters ("\u00005").
        assertThat(read).isEqualByComparingTo(new BigDecimal(amount.strip().trim()));
    }

    @Property(tries = 300)
    void everyAmountInRangeIsReadExactlyHoweverItIsWritten(@ForAll("moneyInRange") BigDecimal amount,
                                                            @ForAll("notations") Function<BigDecimal, String> notation) {
        String written = notation.apply(amount);
        PostbackParameters params = PostbackParameters.of(Map.of("click_id", List.of("c"), "amount", List.of(written)),
                Map.of());

        assertThat(params.saleAmount()).as(written).hasValueSatisfying(read -> {
            assertThat(read).isEqualByComparingTo(amount);
            assertMoney(read);
        });
    }

    @Property(tries = 200)
    void flattenKeepsEveryOtherParameterButNeverTheToken(
            @ForAll("hostileParameters") Map<String, List<String>> query,
            @ForAll("hostileParameters") Map<String, List<String>> body) {
        Map<String, String> flat = PostbackParameters.of(query, body).flatten();

        assertThat(flat.keySet()).doesNotContainAnyElementsOf(ALIASES.get(PostbackParameters.SECURITY_TOKEN));
        Map<String, String> expected = new LinkedHashMap<>();
        for (Map<String, List<String>> source : List.of(query, body)) {
            source.forEach((name, values) -> {
                if (!ALIASES.get(PostbackParameters.SECURITY_TOKEN).contains(name)) {
                    values.stream().filter(v -> !v.isEmpty()).findFirst().ifPresent(v -> expected.putIfAbsent(name, v));
                }
            });
        }
        assertThat(flat).containsExactlyInAnyOrderEntriesOf(expected);
    }

    // --- what a well-formed reading is ---------------------------------------------------------

    private static Optional<InvalidParameterException> validateTimed(PostbackParameters params) {
        long start = System.nanoTime();
        try {
            params.validate();
            return Optional.empty();
        } catch (InvalidParameterException e) {
            return Optional.of(e);
        } finally {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to validate").isLessThan(SLOW);
        }
    }

    private static void assertWellFormed(PostbackParameters params) {
        assertId(params.clickId());
        params.goalValue().ifPresent(PostbackParametersFuzzTest::assertId);
        params.goalId().ifPresent(PostbackParametersFuzzTest::assertId);
        params.txnId().ifPresent(PostbackParametersFuzzTest::assertId);
        params.campaignId().ifPresent(PostbackParametersFuzzTest::assertId);
        params.saleAmount().ifPresent(PostbackParametersFuzzTest::assertMoney);
        params.revenue().ifPresent(PostbackParametersFuzzTest::assertMoney);
        params.currency().ifPresent(code -> {
            assertThat(code).matches("[A-Z]{3}");
            assertThat(Currency.getInstance(code).getCurrencyCode()).isEqualTo(code);
        });
        params.status().ifPresent(status -> assertThat(status).isNotNull());
    }

    private static void assertId(String id) {
        assertThat(id).isNotBlank().isEqualTo(id.strip()).hasSizeLessThanOrEqualTo(PostbackParameters.MAX_ID_LENGTH);
        assertThat(id.chars().noneMatch(Character::isISOControl)).as("no control characters in %s", id).isTrue();
    }

    /** Money is carried as decimal(18, 6): non-negative, at most 6 places without rounding, fits 18 digits. */
    private static void assertMoney(BigDecimal amount) {
        assertThat(amount.signum()).isNotNegative();
        assertThat(amount).isLessThanOrEqualTo(MAX_AMOUNT);
        BigDecimal stored = amount.setScale(6); // throws if rounding were needed
        assertThat(stored.precision()).isLessThanOrEqualTo(18);
    }

    private static void assertSameReading(PostbackParameters actual, PostbackParameters expected,
                                          Function<String, String> storedAs) {
        assertThat(actual.clickId()).isEqualTo(storedAs.apply(expected.clickId()));
        assertThat(actual.goalValue()).isEqualTo(expected.goalValue().map(storedAs));
        assertThat(actual.goalId()).isEqualTo(expected.goalId().map(storedAs));
        assertThat(actual.txnId()).isEqualTo(expected.txnId().map(storedAs));
        assertThat(actual.campaignId()).isEqualTo(expected.campaignId().map(storedAs));
        assertThat(actual.saleAmount()).isEqualTo(expected.saleAmount());
        assertThat(actual.revenue()).isEqualTo(expected.revenue());
        assertThat(actual.currency()).isEqualTo(expected.currency());
        assertThat(actual.status()).isEqualTo(expected.status());
    }

    private static Object read(PostbackParameters params, String canonical) {
        return switch (canonical) {
            case PostbackParameters.CLICK_ID -> params.clickId();
            case PostbackParameters.GOAL_VALUE -> params.goalValue();
            case PostbackParameters.GOAL_ID -> params.goalId();
            case PostbackParameters.TXN_ID -> params.txnId();
            case PostbackParameters.CAMPAIGN_ID -> params.campaignId();
            case PostbackParameters.SALE_AMOUNT -> params.saleAmount();
            case PostbackParameters.REVENUE -> params.revenue();
            case PostbackParameters.CURRENCY -> params.currency();
            case PostbackParameters.STATUS -> params.status();
            case PostbackParameters.SECURITY_TOKEN -> params.securityToken();
            default -> throw new IllegalArgumentException(canonical);
        };
    }

    /**
     * The record as the topology gets it: written and read with Avro binary. Strings are UTF-8
     * there, so a lone surrogate (valid in a Java string, not in UTF-8) comes back as '?'.
     */
    private static RawPostback throughAvro(Map<String, List<String>> query, Map<String, List<String>> body,
                                           String clickId) {
        RawPostback record = RawPostback.newBuilder()
                .setRequestId("00000000-0000-0000-0000-000000000000")
                .setReceivedAt(Instant.EPOCH)
                .setClickId(clickId)
                .setMethod("POST")
                .setQueryParams(query)
                .setBodyParams(body)
                .setRemoteAddr("127.0.0.1")
                .build();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter<>(RawPostback.class).write(record, encoder);
            encoder.flush();
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null);
            return new SpecificDatumReader<>(RawPostback.class).read(null, decoder);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String asStored(String value) {
        return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    // --- generators ---------------------------------------------------------------------------

    @Provide
    Arbitrary<Map<String, List<String>>> hostileParameters() {
        Arbitrary<String> names = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(ALL_KNOWN_NAMES)),
                Tuple.of(2, Arbitraries.of("sub1", "sub15", "coupon", "sku", "my_param", "", " ", "click_id ",
                        "CLICK_ID", "click%5Fid", "click_id[]", "clíck_id")),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20)));
        Arbitrary<List<String>> values = hostileValue().list().ofMaxSize(4);
        Arbitrary<Map<String, List<String>>> small = Arbitraries.maps(names, values).ofMaxSize(8);
        Arbitrary<Map<String, List<String>>> many = Arbitraries.maps(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12), values).ofMinSize(100).ofMaxSize(500);
        return Arbitraries.frequencyOf(Tuple.of(40, small), Tuple.of(1, many));
    }

    private static Arbitrary<String> hostileValue() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, validId()),
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(2, Arbitraries.of("", " ", "\t", "\n", "\r\n", "\u00a0", "\u2007", "\u200b", "\u3000",
                        "\ufeff", "\u202e", "\u0000", "\u007f", "\u0085", "\ud800", "\udfff", "a\ud800b", "\ud83d\ude00",
                        "{click_id}", "[click_id]", "%click_id%", "${click_id}", "{}", "%%", "{sale_amount}",
                        "null", "undefined", "true", "[]", "{\"a\":1}")),
                Tuple.of(3, amountStrings()),
                Tuple.of(2, Arbitraries.of("usd", "USD", "eur", "XXX", "XTS", "US", "USDD", "\u20ac", "\u0131dr",
                        "u\u017fd", "  gbp  ", "123", "approved", "APPROVED", "1", "pending", "declined", "canceled",
                        "cancel", "maybe", "\u0130")),
                Tuple.of(1, Arbitraries.integers().between(PostbackParameters.MAX_ID_LENGTH - 2,
                        PostbackParameters.MAX_ID_LENGTH + 2).map("x"::repeat)),
                Tuple.of(1, Arbitraries.integers().between(1_000, 10_000).map(n -> "v".repeat(n))),
                Tuple.of(1, Combinators.combine(validId(), Arbitraries.chars().range('\u0000', '\u001f'))
                        .as((id, control) -> id + control + id)));
    }

    private static Arbitrary<String> validId() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                .withChars("-_.:~").ofMinLength(1).ofMaxLength(40);
    }

    @Provide
    Arbitrary<List<String>> blankValues() {
        return Arbitraries.of("", " ", "\t", "\n", "\u2003", "  \r\n ").list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<String> amounts() {
        return amountStrings();
    }

    private static Arbitrary<String> amountStrings() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("NaN", "Infinity", "-Infinity", "1e999999", "1e-999999", "1E+2147483647",
                        "1e-2147483648", "1e2147483648", "0e-999999999", "0e999999999", "-1", "-0", "-0.0", "+5", "5.",
                        ".5", ".", "e5", "5e", "0x10", "1,5", "1 000", "1_000", "\u0661\u0662\u0663", "\u00b9\u00b2",
                        "\uff15", "5\n", "\u00005", " 49.90 ", "49.90\u00a0", "999999999999", "999999999999.000001",
                        "1000000000000", "0.000001", "0.0000001", "0.0000010", "1e-6", "1e-7", "1E12", "1E13",
                        "{amount}", "%amount%", "[amount]", "${amount}", "")),
                Tuple.of(1, Arbitraries.integers().between(1, 5_000).map(n -> "9".repeat(n))),
                Tuple.of(1, Arbitraries.integers().between(1, 5_000).map(n -> "0." + "0".repeat(n) + "1")),
                // Up to what a 64 KB body can carry: trailing zeros cost stripTrailingZeros quadratic time.
                Tuple.of(1, Arbitraries.integers().between(1, 60_000).map(n -> "1." + "0".repeat(n))),
                Tuple.of(3, Combinators.combine(money(), notationArbitrary()).as((amount, notation) -> notation.apply(amount))),
                Tuple.of(2, Arbitraries.bigDecimals().between(new BigDecimal("-1e15"), new BigDecimal("1e15"))
                        .ofScale(9).map(BigDecimal::toString)),
                Tuple.of(1, Arbitraries.strings().withChars("0123456789.eE+- ").ofMaxLength(12)));
    }

    @Provide
    Arbitrary<BigDecimal> moneyInRange() {
        return money();
    }

    private static Arbitrary<BigDecimal> money() {
        return Arbitraries.integers().between(0, 6).flatMap(scale -> Arbitraries.bigIntegers()
                .between(BigInteger.ZERO, MAX_AMOUNT.movePointRight(scale).toBigIntegerExact())
                .map(unscaled -> new BigDecimal(unscaled, scale)));
    }

    @Provide
    Arbitrary<Function<BigDecimal, String>> notations() {
        return notationArbitrary();
    }

    private static Arbitrary<Function<BigDecimal, String>> notationArbitrary() {
        return Arbitraries.of(
                BigDecimal::toPlainString,
                BigDecimal::toString,
                BigDecimal::toEngineeringString,
                amount -> amount.stripTrailingZeros().toString(),
                amount -> amount.setScale(6).toPlainString(),
                amount -> amount.unscaledValue() + "e-" + amount.scale(),
                amount -> "  " + amount.toPlainString() + "\t",
                amount -> "+" + amount.toPlainString());
    }

    /** What the advertiser meant, and the parameters it sent for it. */
    record Sent(String clickId, Optional<String> goalValue, Optional<String> txnId, Optional<BigDecimal> saleAmount,
                Optional<String> currency, Optional<ConversionStatus> status,
                Map<String, List<String>> query, Map<String, List<String>> body) {
    }

    @Provide
    Arbitrary<Sent> wellFormedPostbacks() {
        Arbitrary<Optional<String>> goal = validId().optional(0.6);
        Arbitrary<Optional<String>> txn = validId().optional(0.6);
        Arbitrary<Optional<BigDecimal>> amount = money().optional(0.6);
        Arbitrary<Optional<String>> currency = Arbitraries.of("USD", "EUR", "GBP", "JPY", "INR", "BRL").optional(0.5);
        Arbitrary<Optional<ConversionStatus>> status = Arbitraries.of(ConversionStatus.class).optional(0.5);
        Arbitrary<Long> layoutSeed = Arbitraries.longs();
        Arbitrary<Map<String, List<String>>> extras = Arbitraries.maps(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10).filter(n -> !ALL_KNOWN_NAMES.contains(n)),
                Arbitraries.strings().all().ofMaxLength(20).list().ofMaxSize(2)).ofMaxSize(4);
        return Combinators.combine(validId(), goal, txn, amount, currency, status, layoutSeed, extras)
                .as(PostbackParametersFuzzTest::layOut);
    }

    /**
     * Spreads each meant value over random aliases and both sources, repeats it, pads it with
     * whitespace and mixes in blank values: none of which may change the reading.
     */
    private static Sent layOut(String clickId, Optional<String> goal, Optional<String> txn, Optional<BigDecimal> amount,
                               Optional<String> currency, Optional<ConversionStatus> status, long seed,
                               Map<String, List<String>> extras) {
        java.util.Random random = new java.util.Random(seed);
        Map<String, List<String>> query = new LinkedHashMap<>(extras);
        Map<String, List<String>> body = new LinkedHashMap<>();
        place(random, query, body, PostbackParameters.CLICK_ID, clickId);
        goal.ifPresent(v -> place(random, query, body, PostbackParameters.GOAL_VALUE, v));
        txn.ifPresent(v -> place(random, query, body, PostbackParameters.TXN_ID, v));
        amount.ifPresent(v -> place(random, query, body, PostbackParameters.SALE_AMOUNT,
                random.nextBoolean() ? v.toPlainString() : v.toString()));
        currency.ifPresent(v -> place(random, query, body, PostbackParameters.CURRENCY,
                random.nextBoolean() ? v : v.toLowerCase()));
        status.ifPresent(v -> place(random, query, body, PostbackParameters.STATUS,
                random.nextBoolean() ? v.name() : v.name().toLowerCase()));
        return new Sent(clickId, goal, txn, amount, currency, status, query, body);
    }

    private static void place(java.util.Random random, Map<String, List<String>> query, Map<String, List<String>> body,
                              String canonical, String value) {
        List<String> aliases = ALIASES.get(canonical);
        int copies = 1 + random.nextInt(3);
        for (int i = 0; i < copies; i++) {
            Map<String, List<String>> source = random.nextBoolean() ? query : body;
            String name = aliases.get(random.nextInt(aliases.size()));
            String padded = switch (random.nextInt(4)) {
                case 0 -> " " + value;
                case 1 -> value + "\t";
                default -> value;
            };
            List<String> values = new ArrayList<>(source.getOrDefault(name, List.of()));
            if (random.nextInt(4) == 0) {
                values.add(random.nextBoolean() ? "" : "  ");
            }
            values.add(padded);
            source.put(name, List.copyOf(values));
        }
    }

    /** One parameter given two different values somewhere. */
    record Conflict(String parameter, Map<String, List<String>> query, Map<String, List<String>> body) {
    }

    @Provide
    Arbitrary<Conflict> conflicts() {
        Arbitrary<String> parameter = Arbitraries.of(PostbackParameters.CLICK_ID, PostbackParameters.GOAL_VALUE,
                PostbackParameters.GOAL_ID, PostbackParameters.TXN_ID, PostbackParameters.CAMPAIGN_ID,
                PostbackParameters.SALE_AMOUNT, PostbackParameters.REVENUE, PostbackParameters.CURRENCY,
                PostbackParameters.STATUS, PostbackParameters.SECURITY_TOKEN);
        return Combinators.combine(parameter, validId(), validId(), Arbitraries.longs())
                .filter((p, a, b, seed) -> !a.equals(b))
                .as((p, a, b, seed) -> {
                    java.util.Random random = new java.util.Random(seed);
                    Map<String, List<String>> query = new LinkedHashMap<>();
                    Map<String, List<String>> body = new LinkedHashMap<>();
                    // Distinct texts, even where the meaning might be the same ("1.0" and "1.00" differ as sent).
                    List<String> aliases = ALIASES.get(p);
                    for (String value : List.of(a, b)) {
                        Map<String, List<String>> source = random.nextBoolean() ? query : body;
                        String name = aliases.get(random.nextInt(aliases.size()));
                        List<String> values = new ArrayList<>(source.getOrDefault(name, List.of()));
                        values.add(value);
                        source.put(name, values);
                    }
                    return new Conflict(p, query, body);
                });
    }

    // Ids at the boundary: the first length over the limit is refused, the limit itself is not.
    @net.jqwik.api.Example
    void idLengthBoundary() {
        for (String parameter : ID_PARAMETERS) {
            String name = ALIASES.get(parameter).get(0);
            Map<String, List<String>> atLimit = new LinkedHashMap<>(Map.of("click_id", List.of("c")));
            atLimit.put(name, List.of("x".repeat(PostbackParameters.MAX_ID_LENGTH)));
            assertThat(validateTimed(PostbackParameters.of(atLimit, Map.of()))).isEmpty();
            Map<String, List<String>> over = new LinkedHashMap<>(Map.of("click_id", List.of("c")));
            over.put(name, List.of("x".repeat(PostbackParameters.MAX_ID_LENGTH + 1)));
            assertThat(validateTimed(PostbackParameters.of(over, Map.of())))
                    .hasValueSatisfying(e -> assertThat(e.parameter()).isEqualTo(parameter));
        }
    }
}
