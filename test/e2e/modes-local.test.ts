/** Every mode's scenarios against local (see mode-tests.ts). */
import { defineModeTests } from "./mode-tests.js";

defineModeTests("local");
