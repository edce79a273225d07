/**
 * The worker bootstrap: the main class of each function's child JVM. It is copied into a small
 * jar (with aws-lambda-java-core and aws-lambda-java-serialization only) and must not use any
 * other class of the local cloud or any of its dependencies.
 */
package com.audmg.drive.local.lambda.bootstrap;
