import { BallastError } from "@ballast/core";

console.log("Ballast core loaded:", typeof BallastError.isInstance === "function");
