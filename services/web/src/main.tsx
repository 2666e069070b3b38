import { render } from "preact";
import { App } from "./app.tsx";
import { currentLang } from "./i18n.ts";
import "./style.css";

document.documentElement.lang = currentLang();
const root = document.getElementById("app");
if (root) render(<App />, root);
