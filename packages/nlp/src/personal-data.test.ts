import { describe, expect, it } from "vitest";
import { ANONYMOUS_AUTHOR, isValidPesel, maskPersonalData, pseudonymiseAuthor } from "./personal-data.ts";

const masked = (text: string) => maskPersonalData(text).text;

describe("pseudonymiseAuthor", () => {
  it("is stable, keyed and never shows the key", () => {
    const a = pseudonymiseAuthor("Jan Kowalski", "secret-1");
    expect(a).toMatch(/^a_[0-9a-f]{16}$/);
    expect(pseudonymiseAuthor("Jan Kowalski", "secret-1")).toBe(a);
    expect(pseudonymiseAuthor("  jan   KOWALSKI ", "secret-1")).toBe(a);
    expect(pseudonymiseAuthor("Jan Kowalski", "secret-2")).not.toBe(a);
    expect(pseudonymiseAuthor("Anna Nowak", "secret-1")).not.toBe(a);
    expect(a).not.toContain("secret");
    expect(pseudonymiseAuthor("Żaneta Źdźbło", "k")).not.toBe(pseudonymiseAuthor("Zaneta Zdzblo", "k"));
  });

  it("gives every anonymous author the same fixed value", () => {
    for (const name of ["", "   ", "Anonim", "anonymous", "Użytkownik Google", "A Google user", "Klient"]) {
      expect(pseudonymiseAuthor(name, "k")).toBe(ANONYMOUS_AUTHOR);
    }
  });

  it("refuses an empty key", () => {
    expect(() => pseudonymiseAuthor("Jan", "")).toThrow();
  });
});

describe("maskPersonalData", () => {
  it("masks e-mail addresses", () => {
    expect(maskPersonalData("Pisałem na jan.kowalski+sklep@gmail.com i nic.")).toEqual({ text: "Pisałem na [e-mail] i nic.", found: ["email"] });
    expect(masked("kontakt: obsluga@sklep.com.pl, a ja: zażółć@poczta.onet.pl")).toBe("kontakt: [e-mail], a ja: [e-mail]");
    expect(masked("Wrote to support@shop.co.uk twice")).toBe("Wrote to [e-mail] twice");
    expect(masked("cena @ 20 zł, @sklep na Twitterze, a@b")).toBe("cena @ 20 zł, @sklep na Twitterze, a@b");
  });

  it("masks Polish phone numbers in every usual format", () => {
    for (const phone of ["+48 601 234 567", "+48601234567", "0048 601 234 567", "0048601234567", "601-234-567", "601 234 567", "601234567", "(22) 123 45 67", "22 123 45 67", "601 23 45 67"]) {
      expect(maskPersonalData(`Dzwońcie: ${phone}, proszę.`)).toEqual({ text: "Dzwońcie: [telefon], proszę.", found: ["phone"] });
    }
  });

  it("masks order numbers in context", () => {
    expect(masked("zamówienie nr 123456 nie dotarło")).toBe("zamówienie nr [nr zamówienia] nie dotarło");
    expect(masked("Zamowienie 1234567 nadal w drodze")).toBe("Zamowienie [nr zamówienia] nadal w drodze");
    expect(masked("nr zamówienia: ZA-2026/11/1234.")).toBe("nr zamówienia: [nr zamówienia].");
    expect(masked("Numer przesyłki 6200012345678901 od tygodnia bez zmian")).toBe("Numer przesyłki [nr zamówienia] od tygodnia bez zmian");
    expect(masked("My order #123456 never came")).toBe("My order #[nr zamówienia] never came");
    expect(masked("order number: AB-998877")).toBe("order number: [nr zamówienia]");
    expect(maskPersonalData("reklamacja nr RK/2026/555").found).toEqual(["order"]);
  });

  it("masks account numbers: NRB, IBAN, and in context", () => {
    expect(maskPersonalData("Przelałem na PL61 1090 1014 0000 0712 1981 2874 i nic").text).toBe("Przelałem na [nr konta] i nic");
    expect(masked("konto 61109010140000071219812874")).toBe("konto [nr konta]");
    expect(masked("rachunek 61 1090 1014 0000 0712 1981 2874.")).toBe("rachunek [nr konta].");
    expect(masked("IBAN DE89 3704 0044 0532 0130 00 ok")).toBe("IBAN [nr konta] ok");
    expect(masked("numer konta: 12 3456 7890")).toBe("numer konta: [nr konta]");
    expect(maskPersonalData("my account number: 55512345").found).toEqual(["account"]);
  });

  it("masks PESEL numbers with a valid checksum, and any 11 digits after the word PESEL", () => {
    expect(isValidPesel("44051401359")).toBe(true);
    expect(isValidPesel("44051401358")).toBe(false);
    expect(maskPersonalData("mój pesel to 44051401359.")).toEqual({ text: "mój pesel to [PESEL].", found: ["pesel"] });
    expect(masked("dane: 02270803624 i tyle")).toBe("dane: [PESEL] i tyle");
    expect(masked("PESEL: 12345678901")).toBe("PESEL: [PESEL]");
    expect(masked("kod 44051401358 nieważny")).toBe("kod 44051401358 nieważny");
  });

  it("masks Luhn-valid card numbers", () => {
    expect(maskPersonalData("karta 4111 1111 1111 1111 obciążona dwa razy")).toEqual({ text: "karta [karta] obciążona dwa razy", found: ["card"] });
    expect(masked("card 5500-0000-0000-0004")).toBe("card [karta]");
    expect(masked("amex 3782 822463 10005")).toBe("amex [karta]");
    expect(masked("4012888888881881")).toBe("[karta]");
    expect(masked("4111 1111 1111 1112")).toBe("4111 1111 1111 1112");
  });

  it("leaves ordinary numbers alone", () => {
    const ordinary = [
      "Cena 199,99 zł, a wcześniej 1 299 zł, teraz 1 299,00 PLN.",
      "Za telewizor dałem 123 456 789 zł? Nie, ale 12 345 zł tak.",
      "Zamówione 12.03.2026, dostarczone 2026-03-19 o 12:30.",
      "Kupuję tu od 2015 roku, ocena 5/5, 10/10, 4.5 gwiazdki.",
      "Wziąłem 3 szt. po 2 kg, 500 ml i 1,5 l.",
      "Model XR-5000, kod produktu 123456789, EAN 5901234123457, ISBN 9788324631766.",
      "Zamówienie z 12.03.2026 za 199 zł, zamówienie 2 sztuk, paczka 2026.",
      "Ticket price 45.99 EUR, order of 3 items, case 2.",
      "Numer 1 w Polsce, 100% zadowolenia, 24/7, 50 000 klientów.",
    ];
    for (const text of ordinary) expect(maskPersonalData(text)).toEqual({ text, found: [] });
  });

  it("masks each kind at the fewest digits it can have, digits elsewhere in the text or not", () => {
    expect(masked("Visa 4222222222222 obciążona")).toBe("Visa [karta] obciążona");
    expect(masked("tel 601234567")).toBe("tel [telefon]");
    expect(masked("Pisałem z jan85@wp.pl, oddzwońcie na 601 234 567")).toBe("Pisałem z [e-mail], oddzwońcie na [telefon]");
    expect(masked("zamówienie nr 123, przesyłka 98765432 i reklamacja 555777")).toBe(
      "zamówienie nr [nr zamówienia], przesyłka [nr zamówienia] i reklamacja [nr zamówienia]",
    );
    // A number glued to the word by a full stop has no word saying what it is.
    expect(masked("zamówienie.123456 dotarło")).toBe("zamówienie.123456 dotarło");
  });

  it("lists every kind found, in a fixed order", () => {
    const result = maskPersonalData("PESEL 44051401359, tel. 601 234 567, mail a@b.pl, karta 4111111111111111, zamówienie nr 123456");
    expect(result.found).toEqual(["email", "phone", "order", "pesel", "card"]);
    expect(result.text).toBe("PESEL [PESEL], tel. [telefon], mail [e-mail], karta [karta], zamówienie nr [nr zamówienia]");
  });

  it("runs in linear time on 100 kB of adversarial input", () => {
    const attacks = [
      "a".repeat(100_000),
      "a.".repeat(50_000) + "@",
      "a@".repeat(50_000),
      "a@b.".repeat(25_000),
      "1".repeat(100_000),
      "1 ".repeat(50_000),
      "1-".repeat(50_000),
      "PL" + "1 ".repeat(50_000),
      "zamówienie nr ".repeat(7_000) + "1",
      "nr zamówienia: " + "A-".repeat(50_000),
      "numer konta " + "1 ".repeat(50_000),
      "(22) ".repeat(20_000),
      "+48 ".repeat(25_000),
    ];
    for (const attack of attacks) {
      const started = performance.now();
      maskPersonalData(attack);
      expect(performance.now() - started, attack.slice(0, 20)).toBeLessThan(500);
    }
  });
});
