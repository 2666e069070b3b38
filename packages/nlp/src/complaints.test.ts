import { describe, expect, it } from "vitest";
import { complaintEvidence, findComplaints, COMPLAINT_CAP } from "./complaints.ts";

describe("complaint events", () => {
  it("finds each kind of complaint the issue names, in Polish", () => {
    expect(findComplaints("Twoje konto w Allegro zostało zawieszone")).toEqual(["account-suspended"]);
    expect(findComplaints("Aplikację pobrałem z Google Play i po aktualizacji ciągle się wyłącza")).toEqual(["app-crashes"]);
    expect(findComplaints("Kurier nawet nie zapukał, zostawił awizo i paczka wróciła do nadawcy")).toEqual(["parcel-returned", "courier-no-show"]);
    expect(findComplaints("Gazetka obiecywała promocję na masło, a na półce pusto. Znowu to samo.")).toEqual(["out-of-stock", "again"]);
    expect(findComplaints("Brak odpowiedzi od obsługi")).toEqual(["no-answer"]);
    expect(findComplaints("Nikt nie odpisał na maila")).toEqual(["no-answer"]);
    expect(findComplaints("Wysłałam e-mail, bez odpowiedzi")).toEqual(["no-answer"]);
    expect(findComplaints("Pieniądze pobrane, a zamówienie nieopłacone")).toEqual(["charged-unpaid"]);
    expect(findComplaints("Czekam od 2 tygodni na paczkę")).toEqual(["long-wait"]);
    expect(findComplaints("Dostawa się ciągnęła")).toEqual(["long-wait"]);
  });

  it("matches inflected forms, other word orders and text typed without diacritics", () => {
    expect(findComplaints("Zablokowali mi konto bez powodu")).toEqual(["account-suspended"]);
    expect(findComplaints("konto zablokowane od tygodnia")).toEqual(["account-suspended"]);
    expect(findComplaints("KONTO ZOSTALO ZAWIESZONE!!!")).toEqual(["account-suspended"]);
    expect(findComplaints("Po ostatniej aktualizacji apka ciagle sie wylacza")).toEqual(["app-crashes"]);
    expect(findComplaints("Aplikacja wywala się przy logowaniu")).toEqual(["app-crashes"]);
    expect(findComplaints("przesyłka została odesłana do nadawcy")).toEqual(["parcel-returned"]);
    expect(findComplaints("Na półkach pusto, jak zwykle")).toEqual(["out-of-stock"]);
    expect(findComplaints("Sklep nie odpowiada na reklamację")).toEqual(["no-answer"]);
    expect(findComplaints("Czekałem trzy tygodnie na zwrot")).toEqual(["long-wait"]);
    expect(findComplaints("czekamy juz miesiac")).toEqual(["long-wait"]);
    expect(findComplaints("Paczka szła dwa tygodnie")).toEqual(["long-wait"]);
    expect(findComplaints("Pobrali pieniądze dwa razy")).toEqual(["charged-unpaid"]);
    expect(findComplaints("Kolejka na pół godziny, czynna jedna kasa")).toEqual(["long-wait"]);
    expect(findComplaints("Godzinę w kolejce do okienka")).toEqual(["long-wait"]);
    // A queue that was not there is no complaint.
    expect(findComplaints("Kolejki nie było, obsłużono mnie w 5 minut")).toEqual([]);
  });

  it("finds the English ones", () => {
    expect(findComplaints("My account was suspended for no reason")).toEqual(["account-suspended"]);
    expect(findComplaints("The app crashes after the update")).toEqual(["app-crashes"]);
    expect(findComplaints("It won't open anymore")).toEqual(["app-crashes"]);
    expect(findComplaints("Parcel returned to sender")).toEqual(["parcel-returned"]);
    expect(findComplaints("Still waiting for my refund")).toEqual(["long-wait"]);
    expect(findComplaints("Waiting for 3 weeks now")).toEqual(["long-wait"]);
    expect(findComplaints("No response from support")).toEqual(["no-answer"]);
    expect(findComplaints("Empty shelves again")).toEqual(["out-of-stock"]);
    expect(findComplaints("I was charged twice")).toEqual(["charged-unpaid"]);
  });

  it("stays silent on praise and on ordinary descriptions", () => {
    for (const text of [
      "Zwrot bez problemu",
      "Pieniądze wróciły po czterech dniach, bez zbędnych pytań",
      "Czajnik wyłącza się automatycznie po zagotowaniu wody",
      "Paczka dotarła w dwa dni, konto założyłem w minutę",
      "Odkurzacz bardzo dobrze ciągnie",
      "Kupuję tu kolejny raz i wszystko tak samo dobrze",
      "Konto premium to świetna sprawa",
      "Great app, works after the update",
      "",
    ]) {
      expect(findComplaints(text), text).toEqual([]);
    }
  });

  it("keeps the words of one event within one sentence", () => {
    expect(findComplaints("Założyłem konto. Ekran zawieszony na ścianie wygląda świetnie.")).toEqual([]);
  });

  it("weighs every event as negative evidence, up to a cap", () => {
    expect(complaintEvidence([])).toBe(0);
    expect(complaintEvidence(["no-answer"])).toBeLessThan(0);
    expect(complaintEvidence(["no-answer", "long-wait"])).toBeLessThan(complaintEvidence(["no-answer"]));
    expect(complaintEvidence(["no-answer", "long-wait", "again", "out-of-stock", "charged-unpaid"])).toBe(-COMPLAINT_CAP);
  });
});
