//! The isolated extraction helper as a binary of its own (see `otbor_screening::helper`).

fn main() {
    otbor_screening::helper::helper_main(std::env::args().skip(1).collect());
}
