fn main() {
    std::process::exit(whelm::cli::main());
}
