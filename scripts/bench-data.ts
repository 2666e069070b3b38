/** Review sentences the benchmarks build their mentions from. */
export const PHRASES = [
  "Przesyłka dotarła następnego dnia, książki dobrze zapakowane.",
  "Na dostawę czekałem dwa tygodnie, a obsługa nie odpisywała na maile.",
  "Świetne ceny i duży wybór, ale strona działa wolno na telefonie.",
  "Reklamację rozpatrzono w trzy dni, pieniądze wróciły na konto.",
  "The parcel arrived late and the box was damaged.",
  "Kurier zostawił paczkę pod drzwiami bez dzwonienia.",
  "Polecam, bardzo miła obsługa na czacie i szybki zwrot.",
  "Płatność BLIK nie przeszła, a pieniądze zeszły z konta.",
];
